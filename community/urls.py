from django.urls import path

from community import lookup_views, views

app_name = "community"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("preview/", views.preview, name="preview"),
    path("notifications/", views.notifications, name="notifications"),
    path("me/", views.profile, name="profile"),
    path("b/<slug:slug>/", views.board, name="board"),
    path("b/<slug:slug>/new/", views.new_topic, name="new_topic"),
    path("t/<int:pk>/", views.topic, name="topic_short"),
    path("t/<int:pk>/unread/", views.topic_unread, name="topic_unread"),
    path("t/<int:pk>/reply/", views.reply, name="reply"),
    path("t/<int:pk>/subscribe/", views.subscribe, name="subscribe"),
    path("t/<int:pk>/moderate/", views.moderate_topic, name="moderate_topic"),
    path("t/<int:pk>/knowledge/", views.to_knowledge, name="to_knowledge"),
    path("t/<int:pk>/<str:slug>/", views.topic, name="topic"),
    path("p/<int:pk>/", views.post_link, name="post"),
    path("p/<int:pk>/edit/", views.edit_post, name="edit_post"),
    path("p/<int:pk>/history/", views.post_history, name="post_history"),
    path("p/<int:pk>/like/", views.like, name="like"),
    path("p/<int:pk>/report/", views.report, name="report"),
    path("p/<int:pk>/accept/", views.accept, name="accept"),
    path("p/<int:pk>/complaint/", views.post_to_complaint, name="post_to_complaint"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    # Before complaints/<number>/: "lookup" is not a tracking number.
    path("complaints/lookup/", lookup_views.lookup_start, name="complaint_lookup"),
    path("complaints/lookup/code/", lookup_views.lookup_code, name="complaint_lookup_code"),
    path(
        "complaints/lookup/<str:number>/",
        lookup_views.lookup_result,
        name="complaint_lookup_result",
    ),
    path("complaints/<str:number>/", views.complaint_detail, name="complaint"),
    path(
        "complaints/<str:number>/files/<int:pk>/",
        views.complaint_attachment,
        name="complaint_attachment",
    ),
]
