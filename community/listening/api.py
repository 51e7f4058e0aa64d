"""``POST /api/v1/listening/posts``: a collector system sends outside posts (docs/listening.md).

Behind an API token (or a staff session) with ``listening.add_listeningitem``. The body is
``{"posts": [{"source", "id", "text", "title"?, "url"?, "published_at"?, "author"?}, ...]}``,
at most ``LISTENING_MAX_BATCH`` posts and 2 MB (more is a 413). A batch is taken whole or not
at all: with any bad post it is a 400 listing each as ``{"index", "field", "message"}`` and
nothing is stored. Posts whose id the source already sent are counted as ``known`` and not stored
again, so a collector may resend.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.listening import intake
from community.listening.models import OUTSIDE_SOURCES
from portal.api_parsers import PayloadTooLarge, StrictJSONParser
from portal.apikeys.tokens import ApiTokenAuthentication


class CanSendPosts(BasePermission):
    message = "You need the permission to send listened posts (listening.add_listeningitem)."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("listening.add_listeningitem"))


class PostInSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=sorted(OUTSIDE_SOURCES))  # type: ignore[assignment]
    id = serializers.CharField(max_length=intake.MAX_ID)
    text = serializers.CharField(max_length=intake.MAX_TEXT * 2)
    title = serializers.CharField(max_length=intake.MAX_TITLE, required=False, allow_blank=True)
    url = serializers.URLField(max_length=intake.MAX_URL, required=False, allow_blank=True)
    published_at = serializers.DateTimeField(required=False)
    author = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Kept only as a keyed hash, never stored.",
    )


class BatchInSerializer(serializers.Serializer):
    posts = PostInSerializer(many=True)


class PostsView(APIView):
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [CanSendPosts]
    parser_classes = [StrictJSONParser]
    # Under Django's DATA_UPLOAD_MAX_MEMORY_SIZE, so the size is always answered here (413).
    max_body_bytes = 2 * 1024 * 1024

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.max_body_bytes:
            raise PayloadTooLarge(
                {"errors": {"body": _("The body is larger than %d bytes.") % self.max_body_bytes}}
            )

    @extend_schema(
        operation_id="listening_posts_create",
        summary="Send outside posts to social listening",
        request=BatchInSerializer,
        responses={
            202: inline_serializer(
                "ListeningBatchResult",
                {
                    "created": serializers.IntegerField(),
                    "known": serializers.IntegerField(),
                    "errors": serializers.ListField(child=serializers.DictField()),
                },
            ),
            400: OpenApiResponse(description="The body is not a batch; the field is named"),
            413: OpenApiResponse(description="More posts or bytes than a batch may hold"),
        },
        tags=["listening"],
    )
    def post(self, request: Request) -> Response:
        data = request.data
        if not isinstance(data, dict) or not isinstance(data.get("posts"), list):
            return Response(
                {"errors": {"posts": _("Send an object with a list of posts.")}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        posts = data["posts"]
        unknown = sorted(set(data) - {"posts"})
        if unknown:
            return Response(
                {"errors": {str(unknown[0])[:40]: _("Unknown field.")}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        limit = int(getattr(settings, "LISTENING_MAX_BATCH", 1000))
        if len(posts) > limit:
            return Response(
                {"errors": {"posts": _("At most %(n)s posts per batch.") % {"n": limit}}},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        # All or nothing: a batch with a bad post is a 400 naming each bad field and stores
        # nothing, so the collector fixes and resends it whole (files are imported row by row).
        problems = []
        for index, post in enumerate(posts):
            try:
                intake.clean_row(post)
            except intake.RowError as error:
                problems.append({"line": index, "field": error.field, "message": error.message})
        outcome = (
            intake.store(enumerate(posts)) if not problems else intake.Outcome(errors=problems)
        )
        errors = [
            {
                "index": e["line"],
                "field": f"posts[{e['line']}].{e['field']}"
                if e["field"]
                else f"posts[{e['line']}]",
                "message": e["message"],
            }
            for e in outcome.errors
        ]
        if outcome.ids and not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            # local: tasks load the pipeline module; only when there is work to queue
            from community.listening import tasks

            ids = outcome.ids
            transaction.on_commit(
                lambda: [
                    tasks.process_items.delay(ids[i : i + tasks.BATCH])
                    for i in range(0, len(ids), tasks.BATCH)
                ]
            )
        code = status.HTTP_400_BAD_REQUEST if errors else status.HTTP_202_ACCEPTED
        return Response(
            {"created": outcome.created, "known": outcome.known, "errors": errors}, status=code
        )
