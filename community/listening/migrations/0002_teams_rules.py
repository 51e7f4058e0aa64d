"""Teams, their permissions, and the starting routing and noise rules (issue 15 item 4).

Complaints go to customer service (as a complaint to complete), incidents to operations
(communications hears of them through the queue and alerts), purchase intent to marketing,
fraud warnings to risk. Analysts keep the lists. Everything here can be changed in the admin.
"""

from django.db import migrations

ANALYSTS = "Listening analysts"
TEAMS = {
    "complaint": ["Customer service"],
    "incident": ["Operations", "Communications"],
    "purchase_intent": ["Marketers"],
    "campaign_feedback": ["Marketers"],
    "fraud_warning": ["Risk"],
}
TEAM_PERMISSIONS = ["view_dashboard", "respond_item", "view_listeningitem"]
ANALYST_PERMISSIONS = [
    "view_dashboard",
    "add_listeningitem",
    "view_listeningitem",
    "add_noiserule",
    "change_noiserule",
    "delete_noiserule",
    "view_noiserule",
    "add_routingrule",
    "change_routingrule",
    "delete_routingrule",
    "view_routingrule",
]
NOISE = [
    ("Loan and card agents", "keyword", "代办\n包过\n秒批\n无抵押\n低息贷款\n下款快", "ad"),
    ("Paid tasks and buying cards", "keyword", "刷单\n兼职日结\n日赚\n收购银行卡\n高价回收", "spam"),
    ("Credit repair", "keyword", "征信修复\n消除逾期\n洗白征信", "ad"),
    ("Contact me for", "pattern", r"(加|联系|私信)(微信|QQ|vx|v信)", "ad"),
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    RoutingRule = apps.get_model("listening", "RoutingRule")
    NoiseRule = apps.get_model("listening", "NoiseRule")
    # Permissions exist only after post_migrate; create the ones this migration grants.
    names = {
        "view_dashboard": "Can see the listening dashboard",
        "respond_item": "Can assign and answer listened posts",
        "view_author": "Can see who wrote a portal post",
    }
    models = {
        "listeningitem": "listened post",
        "noiserule": "noise rule",
        "routingrule": "routing rule",
    }
    for model, label in models.items():
        ct, _ = ContentType.objects.get_or_create(app_label="listening", model=model)
        for action in ("add", "change", "delete", "view"):
            Permission.objects.get_or_create(
                content_type=ct, codename=f"{action}_{model}", defaults={"name": f"Can {action} {label}"}
            )
    item_ct = ContentType.objects.get(app_label="listening", model="listeningitem")
    for codename, name in names.items():
        Permission.objects.get_or_create(content_type=item_ct, codename=codename, defaults={"name": name})

    def perms(codenames):
        return Permission.objects.filter(content_type__app_label="listening", codename__in=codenames)

    wagtail_access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    analysts, _ = Group.objects.get_or_create(name=ANALYSTS)
    analysts.permissions.add(*perms(ANALYST_PERMISSIONS), *wagtail_access)
    priority = 10
    for topic, teams in TEAMS.items():
        for name in teams:
            team, _ = Group.objects.get_or_create(name=name)
            team.permissions.add(*perms(TEAM_PERMISSIONS), *wagtail_access)
            RoutingRule.objects.get_or_create(
                topic=topic,
                team=team,
                defaults={"priority": priority, "draft_complaint": topic == "complaint"},
            )
            priority += 10
    # Customer service answers portal customers and may see who they are.
    Group.objects.get(name="Customer service").permissions.add(*perms(["view_author"]))
    for name, kind, pattern, reason in NOISE:
        NoiseRule.objects.get_or_create(
            name=name, defaults={"kind": kind, "pattern": pattern, "reason": reason}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("listening", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("community", "0006_complaint_contact_and_lookup_codes"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
