"""Public pages of the community and the customers' complaint pages.

Views only coordinate: check access, validate the form, call the domain (`posting`,
`moderation`, `qa`, `complaints`, `search`), render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from community import access, complaints, moderation, policy, posting, qa
from community.activity import record_interest
from community.forms import (
    ComplaintForm,
    ComplaintReplyForm,
    DisplayNameForm,
    ReplyForm,
    ReportForm,
    TopicForm,
    refuse_nul_characters,
)
from community.markup import quote_markdown, render_markdown
from community.masking import masking_notice
from community.models import (
    ATTACHMENT_EXTENSIONS,
    Board,
    Category,
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintEvent,
    Notification,
    Post,
    Subscription,
    Topic,
)
from community.notifications import display_name
from community.search import search_posts
from targeting.tracking.clientaddr import client_ip

# Shown in the page (images only); any other type is always sent as a download.
INLINE_ATTACHMENT_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def _ip(request: HttpRequest) -> str | None:
    """The client's address behind our trusted proxies (one resolver for the whole portal)."""
    return client_ip(request)


def _members_only(request: HttpRequest, board: Board) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "community/members_only.html", {"board": board}, status=403)


def _rate_limited(request: HttpRequest, exc: policy.RateLimited) -> HttpResponse:
    response = render(
        request, "community/rate_limited.html", {"retry_after": exc.retry_after}, status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def _readable_board(request: HttpRequest, slug: str) -> tuple[Board, HttpResponse | None]:
    board = get_object_or_404(Board.objects.select_related("segment"), slug=slug)
    if not access.can_read(request, board):
        return board, _members_only(request, board)
    return board, None


def _readable_topic(request: HttpRequest, pk: int) -> tuple[Topic, HttpResponse | None]:
    topic = get_object_or_404(
        Topic.objects.select_related("board", "board__segment", "author"), pk=pk
    )
    if not access.can_read(request, topic.board):
        return topic, _members_only(request, topic.board)
    unpublished = not topic.approved or topic.hidden
    if unpublished and not access.is_moderator(request.user) and topic.author_id != request.user.pk:
        raise Http404
    return topic, None


def _readable_post(request: HttpRequest, pk: int) -> tuple[Post, HttpResponse | None]:
    post = get_object_or_404(Post.objects.select_related("topic", "topic__board"), pk=pk)
    _topic, denied = _readable_topic(request, post.topic_id)
    if denied:
        return post, denied
    if (not post.approved or post.hidden) and not (
        access.is_moderator(request.user) or post.author_id == request.user.pk
    ):
        raise Http404
    return post, None


# Reading ------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    boards = list(Board.objects.select_related("category", "segment"))
    readable = {b.pk for b in access.readable_boards(request, boards)}
    stats = posting.board_stats(boards)
    categories = []
    for category in Category.objects.all():
        items = [
            {"board": b, "stats": stats.get(b.pk, {}), "locked": b.pk not in readable}
            for b in boards
            if b.category_id == category.pk
        ]
        if items:
            categories.append({"category": category, "boards": items})
    return render(request, "community/index.html", {"categories": categories})


def board(request: HttpRequest, slug: str) -> HttpResponse:
    board, denied = _readable_board(request, slug)
    if denied:
        return denied
    page = Paginator(posting.board_topics(board), posting.TOPICS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    topics = list(page.object_list)
    return render(
        request,
        "community/board.html",
        {
            "board": board,
            # Reading is counted once, by the beacon's page view carrying the board's category.
            "tracking_category": board.targeting_category,
            "tracking_page_type": "forum_board",
            "page_obj": page,
            "topics": topics,
            "unread": posting.unread_topic_ids(request.user, topics),
            "can_post": access.can_post(request, board),
        },
    )


def topic(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    topic, denied = _readable_topic(request, pk)
    if denied:
        return denied
    page = posting.topic_posts_page(topic, request.GET.get("page"), request.user)
    posts = list(page.object_list)
    previous_read = posting.mark_read(topic, request.user, posts)
    user = request.user
    first_post_id = (
        posts[0].pk
        if page.number == 1 and posts
        else topic.posts.order_by("id").values_list("id", flat=True).first()
    )
    likes, liked = posting.like_counts(posts), posting.liked_by(user, posts)
    for post in posts:
        post.like_count = likes.get(post.pk, 0)
        post.is_liked = post.pk in liked
    reply_form = ReplyForm(initial=_quote_initial(request, topic))
    return render(
        request,
        "community/topic.html",
        {
            "topic": topic,
            "board": topic.board,
            "tracking_category": topic.board.targeting_category,
            "tracking_page_type": "forum_topic",
            "page_obj": page,
            "posts": posts,
            "first_post_id": first_post_id,
            "previous_read": previous_read,
            "subscribed": user.is_authenticated
            and Subscription.objects.filter(topic=topic, user=user).exists(),
            "can_post": access.can_post(request, topic.board) and not topic.locked,
            "can_accept": qa.can_accept(user, topic),
            "is_moderator": access.is_moderator(user),
            "is_bank_staff": access.is_bank_staff(user),
            "reply_form": reply_form,
            "boards": Board.objects.all() if access.is_moderator(user) else [],
            "complaint_categories": ComplaintCategory.choices,
            "complaint_channels": ComplaintChannel.choices,
        },
    )


def _quote_initial(request: HttpRequest, topic: Topic) -> dict[str, str]:
    quote_id = request.GET.get("quote")
    if not (quote_id and quote_id.isdigit()):
        return {}
    post = Post.objects.visible().filter(topic=topic, pk=int(quote_id)).first()
    if post is None:
        return {}
    return {"body": quote_markdown(display_name(post.author), post.body_markdown)}


def topic_unread(request: HttpRequest, pk: int) -> HttpResponse:
    topic, denied = _readable_topic(request, pk)
    if denied:
        return denied
    page = posting.first_unread_page(topic, request.user) if request.user.is_authenticated else 1
    return redirect(f"{topic.get_absolute_url()}?page={page}")


def post_link(request: HttpRequest, pk: int) -> HttpResponse:
    post, denied = _readable_post(request, pk)
    if denied:
        return denied
    page = posting.page_of_post(post)
    return redirect(f"{post.topic.get_absolute_url()}?page={page}#post-{post.pk}")


def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Earlier versions of a post: for its author and the moderators only (others: not found)."""
    post, denied = _readable_post(request, pk)
    if denied:
        return denied
    if not posting.can_see_history(request.user, post):
        raise Http404
    return render(
        request,
        "community/post_history.html",
        {"post": post, "topic": post.topic, "revisions": post.revisions.all()},
    )


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    if "\x00" in query:
        # PostgreSQL cannot compare text holding NUL: refuse it as the form's error.
        error = _("Search: remove the NUL character (\\0) from your search.")
        context = {"query": query.replace("\x00", ""), "page_obj": None, "error": error}
        return render(request, "community/search.html", context, status=400)
    boards = access.readable_boards(request, Board.objects.select_related("segment"))
    page = None
    if query:
        page = Paginator(search_posts(query, boards), 20).get_page(request.GET.get("page"))
    return render(request, "community/search.html", {"query": query, "page_obj": page})


# Writing ------------------------------------------------------------------------------------


def _tell_about_masking(request: HttpRequest, found: set[str]) -> None:
    if found:
        messages.warning(request, masking_notice(found))


def _preview_html(request: HttpRequest) -> str:
    return render_markdown(request.POST.get("body", ""))


@login_required
def new_topic(request: HttpRequest, slug: str) -> HttpResponse:
    board, denied = _readable_board(request, slug)
    if denied:
        return denied
    if not access.can_post(request, board):
        return _members_only(request, board)
    form = TopicForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = _preview_html(request)
        else:
            try:
                outcome = posting.start_topic(
                    board,
                    request.user,
                    form.cleaned_data["title"],
                    form.cleaned_data["body"],
                    form.cleaned_data["tags"],
                    ip=_ip(request),
                )
            except policy.RateLimited as exc:
                return _rate_limited(request, exc)
            except posting.PostingError as exc:
                form.add_error(None, str(exc))
            else:
                record_interest(request, board)
                _tell_about_masking(request, outcome.masked)
                if outcome.held:
                    messages.info(
                        request, _("Thank you! Your topic appears once a moderator approves it.")
                    )
                    return redirect(board.get_absolute_url())
                messages.success(request, _("Your topic is published."))
                return redirect(outcome.post.topic.get_absolute_url())
    return render(
        request,
        "community/topic_form.html",
        {"board": board, "form": form, "preview": preview},
    )


@login_required
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    topic, denied = _readable_topic(request, pk)
    if denied:
        return denied
    if not access.can_post(request, topic.board):
        return _members_only(request, topic.board)
    form = ReplyForm(request.POST or None, initial=_quote_initial(request, topic))
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = _preview_html(request)
        else:
            try:
                outcome = posting.reply(
                    topic, request.user, form.cleaned_data["body"], ip=_ip(request)
                )
            except policy.RateLimited as exc:
                return _rate_limited(request, exc)
            except posting.PostingError as exc:
                form.add_error(None, str(exc))
            else:
                record_interest(request, topic.board)
                _tell_about_masking(request, outcome.masked)
                if outcome.held:
                    messages.info(
                        request, _("Thank you! Your reply appears once a moderator approves it.")
                    )
                    return redirect(topic.get_absolute_url())
                return redirect(outcome.post.get_absolute_url())
    return render(
        request, "community/reply_form.html", {"topic": topic, "form": form, "preview": preview}
    )


@login_required
def edit_post(request: HttpRequest, pk: int) -> HttpResponse:
    post, denied = _readable_post(request, pk)
    if denied:
        return denied
    if not posting.can_edit(request.user, post):
        raise Http404
    form = ReplyForm(request.POST or None, initial={"body": post.body_markdown})
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = _preview_html(request)
        else:
            try:
                if post.author_id == request.user.pk:
                    outcome = posting.edit_post(
                        post, request.user, form.cleaned_data["body"], ip=_ip(request)
                    )
                else:
                    outcome = moderation.edit(post, request.user, form.cleaned_data["body"])
            except policy.RateLimited as exc:
                return _rate_limited(request, exc)
            except posting.PostingError as exc:
                form.add_error(None, str(exc))
            else:
                _tell_about_masking(request, outcome.masked)
                if outcome.held:
                    messages.info(
                        request,
                        _("Thank you! Your edit appears once a moderator approves it."),
                    )
                    return redirect(post.topic.get_absolute_url())
                return redirect(post.get_absolute_url())
    return render(
        request,
        "community/post_edit.html",
        {"post": post, "topic": post.topic, "form": form, "preview": preview},
    )


@require_POST
def preview(request: HttpRequest) -> JsonResponse:
    """Sanitised HTML of a Markdown draft (CSRF-protected like every POST)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in to write.")}, status=403)
    body = request.POST.get("body", "")[: ReplyForm.base_fields["body"].max_length]
    return JsonResponse({"html": render_markdown(body)})


@login_required
@require_POST
def like(request: HttpRequest, pk: int) -> HttpResponse:
    post, denied = _readable_post(request, pk)
    if denied:
        return denied
    posting.toggle_like(post, request.user)
    return redirect(post.get_absolute_url())


@login_required
@require_POST
def subscribe(request: HttpRequest, pk: int) -> HttpResponse:
    topic, denied = _readable_topic(request, pk)
    if denied:
        return denied
    if posting.toggle_subscription(topic, request.user):
        messages.success(request, _("You will be notified of new replies."))
    else:
        messages.info(request, _("You no longer follow this topic."))
    return redirect(topic.get_absolute_url())


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    post, denied = _readable_post(request, pk)
    if denied:
        return denied
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        moderation.report_post(post, request.user, form.cleaned_data["reason"])
        messages.success(request, _("Thank you. A moderator will look at this post."))
        return redirect(post.get_absolute_url())
    return render(request, "community/report_form.html", {"post": post, "form": form})


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    post, denied = _readable_post(request, pk)
    if denied:
        return denied
    try:
        qa.accept_answer(post.topic, post, request.user)
    except qa.QAError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Answer accepted."))
    return redirect(post.get_absolute_url())


@login_required
@require_POST
def to_knowledge(request: HttpRequest, pk: int) -> HttpResponse:
    topic, denied = _readable_topic(request, pk)
    if denied:
        return denied
    if not access.is_bank_staff(request.user):
        raise Http404
    try:
        page = qa.turn_into_knowledge_page(topic, request.user)
    except qa.QAError as exc:
        messages.error(request, str(exc))
        return redirect(topic.get_absolute_url())
    messages.success(request, _("Knowledge page created as a draft for review."))
    return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))


@login_required
@require_POST
@refuse_nul_characters
def moderate_topic(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_object_or_404(Topic, pk=pk)
    if not access.is_moderator(request.user):
        raise Http404
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    if action in ("pin", "unpin"):
        moderation.set_pinned(topic, request.user, action == "pin", reason)
    elif action in ("lock", "unlock"):
        moderation.set_locked(topic, request.user, action == "lock", reason)
    elif action == "move":
        target = Board.objects.filter(pk=request.POST.get("board") or 0).first()
        if target is None:
            messages.error(request, _("Choose the board to move the topic to."))
        else:
            moderation.move(topic, request.user, target, reason)
    else:
        messages.error(request, _("Unknown moderation action."))
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
@refuse_nul_characters
def post_to_complaint(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post, pk=pk)
    if not access.is_moderator(request.user):
        raise Http404
    category = request.POST.get("category", ComplaintCategory.OTHER)
    channel = request.POST.get("channel", ComplaintChannel.ONLINE)
    if category not in ComplaintCategory.values or channel not in ComplaintChannel.values:
        messages.error(request, _("Choose a complaint category and channel."))
        return redirect(post.get_absolute_url())
    complaint = complaints.complaint_from_post(post, request.user, category, channel)
    messages.success(
        request,
        _("Complaint %(number)s registered for the author.")
        % {"number": complaint.tracking_number},
    )
    return redirect(post.get_absolute_url())


# Members ------------------------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = Notification.objects.filter(recipient=request.user)
    if request.method == "POST":
        items.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("community:notifications")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "community/notifications.html", {"page_obj": page})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    member = posting.member_for(request.user)
    form = DisplayNameForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your display name is saved."))
        return redirect("community:profile")
    return render(request, "community/profile.html", {"form": form, "member": member})


# Complaints ---------------------------------------------------------------------------------


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    items = Complaint.objects.filter(customer=request.user).order_by("-created")
    return render(request, "community/complaint_list.html", {"complaints": items})


def _refuse_large_body(request: HttpRequest, limit: int) -> HttpResponse | None:
    """Answer 413 from the Content-Length alone, before a byte of the body is read."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isascii() or not declared.isdigit():
        return HttpResponse(
            _("Content-Length: not a number of bytes."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if int(declared) <= limit:
        return None
    return render(
        request,
        "community/complaint_form.html",
        {
            "form": ComplaintForm(),
            "too_large": _(
                "Your files are too large to send: at most %(count)s files of %(size)s MB each."
            )
            % {
                "count": complaints.MAX_ATTACHMENTS,
                "size": complaints.MAX_ATTACHMENT_BYTES // (1024 * 1024),
            },
        },
        status=413,
    )


# CSRF is checked inside, after the size check: Django's CSRF middleware reads the whole body
# (request.POST) to find the token, which is what an oversized upload must not get to do.
@csrf_exempt
@login_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        refused = _refuse_large_body(request, complaints.MAX_COMPLAINT_BODY_BYTES)
        if refused:
            return refused
    return _complaint_new(request)


@csrf_protect
def _complaint_new(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = complaints.file_complaint(
                request.user,
                category=data["category"],
                channel=data["channel"],
                description=data["description"],
                product=data["product"],
                attachments=data["attachments"],
            )
        except (ValidationError, complaints.ComplaintError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(
                request,
                _("Your complaint is registered. Tracking number: %(number)s")
                % {"number": complaint.tracking_number},
            )
            _tell_about_masking(request, complaint.masked)
            return redirect(complaint.get_absolute_url())
    return render(request, "community/complaint_form.html", {"form": form})


@login_required
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    # Another customer's complaint is "not found": its existence is not disclosed.
    complaint = get_object_or_404(
        Complaint.objects.prefetch_related(
            Prefetch(
                "events",
                queryset=ComplaintEvent.objects.filter(public=True).select_related("actor"),
                to_attr="public_events",
            ),
            "attachments",
        ),
        tracking_number=number,
        customer=request.user,
    )
    form = ComplaintReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            masked = complaints.customer_reply(
                complaint, request.user, form.cleaned_data["message"]
            )
        except complaints.ComplaintError as exc:
            form.add_error("message", str(exc))
        else:
            messages.success(request, _("Your message is sent."))
            _tell_about_masking(request, masked.found)
            return HttpResponseRedirect(complaint.get_absolute_url())
    return render(
        request,
        "community/complaint_detail.html",
        {"complaint": complaint, "events": complaint.public_events, "form": form},
    )


@login_required
def complaint_attachment(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """Attachments are private: served to their customer (and complaint handlers), never public.

    Only images are shown inline; everything else (PDFs, anything older of unknown type) is a
    download, and the browser is told not to guess the type.
    """
    attachments = ComplaintAttachment.objects.select_related("complaint")
    if not access.is_complaint_handler(request.user):
        attachments = attachments.filter(complaint__customer=request.user)
    attachment = get_object_or_404(attachments, pk=pk, complaint__tracking_number=number)
    inline = attachment.content_type in INLINE_ATTACHMENT_TYPES
    known = attachment.content_type in ATTACHMENT_EXTENSIONS
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type if known else "application/octet-stream",
        as_attachment=not inline,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
