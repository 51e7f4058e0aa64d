"""Promotion slots choose a Placement instead of typing its slug (issue 9 item 6).

The block definitions change (``placement`` becomes a snippet chooser, ``missing_slug`` is
added), then every stored slot is converted in every StreamField that has one (home, standard,
news and knowledge bodies), on the pages and on all their revisions (drafts, scheduled and old
ones alike): ``{"placement": "home-hero"}`` becomes ``{"placement": <id of the Placement with slug
home-hero>, "missing_slug": ""}``. A slug no placement has is kept in ``missing_slug`` (the editor
sees it in the slot and chooses a placement); nothing is dropped. Backwards, each slot gets its
slug again (the chosen placement's, else the kept one). Uses Wagtail's StreamField data
migration machinery (``MigrateStreamData``), which walks pages and revisions alike.
"""

import wagtail.fields
from django.db import migrations
from wagtail.blocks.migrations.migrate_operation import MigrateStreamData
from wagtail.blocks.migrations.operations import BaseBlockOperation

#: Every (model, StreamField) whose blocks include ``promotion_slot`` at the top level.
FIELDS = [
    ("HomePage", "body"),
    ("StandardPage", "body"),
    ("NewsPage", "body"),
    ("KnowledgePage", "body"),
]


class SlugToPlacement(BaseBlockOperation):
    """A typed slug -> the chosen placement's id (or the slug kept in ``missing_slug``)."""

    operation_name_fragment = "promotion_slot_placement"

    def __init__(self, ids_by_slug):
        super().__init__()
        self.ids_by_slug = ids_by_slug

    def apply(self, block_value):
        value = dict(block_value or {})
        slug = value.get("placement")
        if not isinstance(slug, str):
            return value  # already an id (or empty): converted before
        slug = slug.strip()
        placement_id = self.ids_by_slug.get(slug)
        value["placement"] = placement_id
        value["missing_slug"] = "" if placement_id is not None else slug
        return value


class PlacementToSlug(BaseBlockOperation):
    """Backwards: the chosen placement's slug, else the kept ``missing_slug``."""

    operation_name_fragment = "promotion_slot_slug"

    def __init__(self, slugs_by_id):
        super().__init__()
        self.slugs_by_id = slugs_by_id

    def apply(self, block_value):
        value = dict(block_value or {})
        placement = value.get("placement")
        if isinstance(placement, str):
            return value
        slug = self.slugs_by_id.get(placement) or value.get("missing_slug") or ""
        return {"placement": slug}


def _migrate(apps, schema_editor, operation):
    for model_name, field_name in FIELDS:
        MigrateStreamData(
            "portal", model_name, field_name, [(operation, "promotion_slot")]
        ).migrate_stream_data_forward(apps, schema_editor)


def slugs_to_placements(apps, schema_editor):
    Placement = apps.get_model("targeting", "Placement")
    ids_by_slug = dict(Placement.objects.values_list("slug", "pk"))
    _migrate(apps, schema_editor, SlugToPlacement(ids_by_slug))


def placements_to_slugs(apps, schema_editor):
    Placement = apps.get_model("targeting", "Placement")
    slugs_by_id = {pk: slug for slug, pk in Placement.objects.values_list("slug", "pk")}
    _migrate(apps, schema_editor, PlacementToSlug(slugs_by_id))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_faq_block_shared_with_products"),
        ("targeting", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AlterField(
            model_name="homepage",
            name="body",
            field=wagtail.fields.StreamField(
                [
                    ("hero", 8),
                    ("promotion_slot", 11),
                    ("service_entries", 19),
                    ("product_highlights", 23),
                    ("latest_news", 25),
                    ("call_to_action", 26),
                ],
                blank=True,
                block_lookup={
                    0: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"help_text": "A short promise, 8-20 characters.", "max_length": 60},
                    ),
                    1: ("wagtail.blocks.TextBlock", (), {"max_length": 200, "required": False}),
                    2: (
                        "wagtail.images.blocks.ImageChooserBlock",
                        (),
                        {"help_text": "Wide image, at least 1600x700.", "required": False},
                    ),
                    3: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Button text, e.g. 立即申请.",
                            "max_length": 30,
                            "required": False,
                        },
                    ),
                    4: (
                        "wagtail.blocks.PageChooserBlock",
                        (),
                        {"help_text": "Where the button leads.", "required": False},
                    ),
                    5: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Or an address (/path, https://..., tel:95568) when there is no page.",
                            "max_length": 300,
                            "required": False,
                        },
                    ),
                    6: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [("primary", "Primary"), ("secondary", "Secondary")],
                            "help_text": "Use one primary button per section.",
                        },
                    ),
                    7: (
                        "wagtail.blocks.StructBlock",
                        [[("label", 3), ("page", 4), ("url", 5), ("style", 6)]],
                        {"required": False},
                    ),
                    8: (
                        "wagtail.blocks.StructBlock",
                        [[("heading", 0), ("text", 1), ("image", 2), ("call_to_action", 7)]],
                        {},
                    ),
                    9: (
                        "wagtail.snippets.blocks.SnippetChooserBlock",
                        ("targeting.Placement",),
                        {
                            "help_text": "Marketers choose what this slot shows, per audience, under Marketing.",
                            "label": "Placement",
                            "required": False,
                        },
                    ),
                    10: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "This slot named a placement that does not exist, so it shows nothing. Choose a placement above and clear this field, or delete the slot.",
                            "label": "Placement not found",
                            "max_length": 80,
                            "required": False,
                        },
                    ),
                    11: (
                        "wagtail.blocks.StructBlock",
                        [[("placement", 9), ("missing_slug", 10)]],
                        {},
                    ),
                    12: ("wagtail.blocks.CharBlock", (), {"max_length": 60, "required": False}),
                    13: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Text of the link. Leave empty to use the chosen page's title.",
                            "max_length": 40,
                            "required": False,
                        },
                    ),
                    14: (
                        "wagtail.blocks.PageChooserBlock",
                        (),
                        {"help_text": "A page of this site.", "required": False},
                    ),
                    15: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Or an address: /community/ or https://... Use only when there is no page.",
                            "max_length": 300,
                            "required": False,
                        },
                    ),
                    16: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [
                                ("online-banking", "Online banking"),
                                ("mobile-banking", "Mobile banking"),
                                ("branch", "Branches"),
                                ("exchange", "Exchange rates"),
                                ("chat", "Customer service"),
                                ("feedback", "Complaints and suggestions"),
                                ("card", "Cards"),
                                ("loan", "Loans"),
                                ("wealth", "Wealth"),
                                ("calculator", "Calculators"),
                            ]
                        },
                    ),
                    17: (
                        "wagtail.blocks.StructBlock",
                        [[("label", 13), ("page", 14), ("url", 15), ("icon", 16)]],
                        {},
                    ),
                    18: ("wagtail.blocks.ListBlock", (17,), {"max_num": 12, "min_num": 2}),
                    19: ("wagtail.blocks.StructBlock", [[("heading", 12), ("entries", 18)]], {}),
                    20: ("wagtail.blocks.CharBlock", (), {"max_length": 60}),
                    21: (
                        "wagtail.blocks.PageChooserBlock",
                        (),
                        {"page_type": ["products.ProductPage"]},
                    ),
                    22: (
                        "wagtail.blocks.ListBlock",
                        (21,),
                        {
                            "help_text": "Choose product pages; they show with their title and summary.",
                            "max_num": 8,
                            "min_num": 1,
                        },
                    ),
                    23: ("wagtail.blocks.StructBlock", [[("heading", 20), ("products", 22)]], {}),
                    24: (
                        "wagtail.blocks.IntegerBlock",
                        (),
                        {"default": 4, "max_value": 12, "min_value": 1},
                    ),
                    25: ("wagtail.blocks.StructBlock", [[("heading", 20), ("count", 24)]], {}),
                    26: (
                        "wagtail.blocks.StructBlock",
                        [[("label", 3), ("page", 4), ("url", 5), ("style", 6)]],
                        {},
                    ),
                },
                help_text="Sections of the home page, top to bottom.",
            ),
        ),
        migrations.AlterField(
            model_name="knowledgepage",
            name="body",
            field=wagtail.fields.StreamField(
                [
                    ("heading", 2),
                    ("paragraph", 3),
                    ("image", 7),
                    ("call_to_action", 12),
                    ("table", 13),
                    ("faq", 19),
                    ("promotion_slot", 22),
                ],
                blank=True,
                block_lookup={
                    0: ("wagtail.blocks.CharBlock", (), {"max_length": 120}),
                    1: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [("h2", "Section (H2)"), ("h3", "Subsection (H3)")],
                            "help_text": "The page title is the only H1; start sections at H2.",
                        },
                    ),
                    2: ("wagtail.blocks.StructBlock", [[("text", 0), ("level", 1)]], {}),
                    3: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": [
                                "bold",
                                "italic",
                                "link",
                                "ol",
                                "ul",
                                "h3",
                                "h4",
                                "document-link",
                            ],
                            "icon": "pilcrow",
                            "label": "Paragraph",
                            "template": "blocks/paragraph_block.html",
                        },
                    ),
                    4: ("wagtail.images.blocks.ImageChooserBlock", (), {}),
                    5: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Describe the image for people who cannot see it; empty if decorative.",
                            "max_length": 200,
                            "required": False,
                        },
                    ),
                    6: ("wagtail.blocks.CharBlock", (), {"max_length": 200, "required": False}),
                    7: (
                        "wagtail.blocks.StructBlock",
                        [[("image", 4), ("alt_text", 5), ("caption", 6)]],
                        {},
                    ),
                    8: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Button text, e.g. 立即申请.",
                            "max_length": 30,
                            "required": False,
                        },
                    ),
                    9: (
                        "wagtail.blocks.PageChooserBlock",
                        (),
                        {"help_text": "Where the button leads.", "required": False},
                    ),
                    10: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Or an address (/path, https://..., tel:95568) when there is no page.",
                            "max_length": 300,
                            "required": False,
                        },
                    ),
                    11: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [("primary", "Primary"), ("secondary", "Secondary")],
                            "help_text": "Use one primary button per section.",
                        },
                    ),
                    12: (
                        "wagtail.blocks.StructBlock",
                        [[("label", 8), ("page", 9), ("url", 10), ("style", 11)]],
                        {},
                    ),
                    13: ("portal.blocks.PortalTableBlock", (), {}),
                    14: ("wagtail.blocks.CharBlock", (), {"max_length": 120, "required": False}),
                    15: ("wagtail.blocks.CharBlock", (), {"max_length": 200}),
                    16: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {"features": ["h3", "h4", "bold", "italic", "ol", "ul", "link"]},
                    ),
                    17: ("wagtail.blocks.StructBlock", [[("question", 15), ("answer", 16)]], {}),
                    18: ("wagtail.blocks.ListBlock", (17,), {"min_num": 1}),
                    19: ("wagtail.blocks.StructBlock", [[("heading", 14), ("items", 18)]], {}),
                    20: (
                        "wagtail.snippets.blocks.SnippetChooserBlock",
                        ("targeting.Placement",),
                        {
                            "help_text": "Marketers choose what this slot shows, per audience, under Marketing.",
                            "label": "Placement",
                            "required": False,
                        },
                    ),
                    21: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "This slot named a placement that does not exist, so it shows nothing. Choose a placement above and clear this field, or delete the slot.",
                            "label": "Placement not found",
                            "max_length": 80,
                            "required": False,
                        },
                    ),
                    22: (
                        "wagtail.blocks.StructBlock",
                        [[("placement", 20), ("missing_slug", 21)]],
                        {},
                    ),
                },
            ),
        ),
        migrations.AlterField(
            model_name="newspage",
            name="body",
            field=wagtail.fields.StreamField(
                [
                    ("heading", 2),
                    ("paragraph", 3),
                    ("image", 7),
                    ("call_to_action", 12),
                    ("table", 13),
                    ("faq", 19),
                    ("promotion_slot", 22),
                ],
                blank=True,
                block_lookup={
                    0: ("wagtail.blocks.CharBlock", (), {"max_length": 120}),
                    1: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [("h2", "Section (H2)"), ("h3", "Subsection (H3)")],
                            "help_text": "The page title is the only H1; start sections at H2.",
                        },
                    ),
                    2: ("wagtail.blocks.StructBlock", [[("text", 0), ("level", 1)]], {}),
                    3: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": [
                                "bold",
                                "italic",
                                "link",
                                "ol",
                                "ul",
                                "h3",
                                "h4",
                                "document-link",
                            ],
                            "icon": "pilcrow",
                            "label": "Paragraph",
                            "template": "blocks/paragraph_block.html",
                        },
                    ),
                    4: ("wagtail.images.blocks.ImageChooserBlock", (), {}),
                    5: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Describe the image for people who cannot see it; empty if decorative.",
                            "max_length": 200,
                            "required": False,
                        },
                    ),
                    6: ("wagtail.blocks.CharBlock", (), {"max_length": 200, "required": False}),
                    7: (
                        "wagtail.blocks.StructBlock",
                        [[("image", 4), ("alt_text", 5), ("caption", 6)]],
                        {},
                    ),
                    8: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Button text, e.g. 立即申请.",
                            "max_length": 30,
                            "required": False,
                        },
                    ),
                    9: (
                        "wagtail.blocks.PageChooserBlock",
                        (),
                        {"help_text": "Where the button leads.", "required": False},
                    ),
                    10: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Or an address (/path, https://..., tel:95568) when there is no page.",
                            "max_length": 300,
                            "required": False,
                        },
                    ),
                    11: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [("primary", "Primary"), ("secondary", "Secondary")],
                            "help_text": "Use one primary button per section.",
                        },
                    ),
                    12: (
                        "wagtail.blocks.StructBlock",
                        [[("label", 8), ("page", 9), ("url", 10), ("style", 11)]],
                        {},
                    ),
                    13: ("portal.blocks.PortalTableBlock", (), {}),
                    14: ("wagtail.blocks.CharBlock", (), {"max_length": 120, "required": False}),
                    15: ("wagtail.blocks.CharBlock", (), {"max_length": 200}),
                    16: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {"features": ["h3", "h4", "bold", "italic", "ol", "ul", "link"]},
                    ),
                    17: ("wagtail.blocks.StructBlock", [[("question", 15), ("answer", 16)]], {}),
                    18: ("wagtail.blocks.ListBlock", (17,), {"min_num": 1}),
                    19: ("wagtail.blocks.StructBlock", [[("heading", 14), ("items", 18)]], {}),
                    20: (
                        "wagtail.snippets.blocks.SnippetChooserBlock",
                        ("targeting.Placement",),
                        {
                            "help_text": "Marketers choose what this slot shows, per audience, under Marketing.",
                            "label": "Placement",
                            "required": False,
                        },
                    ),
                    21: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "This slot named a placement that does not exist, so it shows nothing. Choose a placement above and clear this field, or delete the slot.",
                            "label": "Placement not found",
                            "max_length": 80,
                            "required": False,
                        },
                    ),
                    22: (
                        "wagtail.blocks.StructBlock",
                        [[("placement", 20), ("missing_slug", 21)]],
                        {},
                    ),
                },
            ),
        ),
        migrations.AlterField(
            model_name="standardpage",
            name="body",
            field=wagtail.fields.StreamField(
                [
                    ("heading", 2),
                    ("paragraph", 3),
                    ("image", 7),
                    ("call_to_action", 12),
                    ("table", 13),
                    ("faq", 19),
                    ("promotion_slot", 22),
                ],
                blank=True,
                block_lookup={
                    0: ("wagtail.blocks.CharBlock", (), {"max_length": 120}),
                    1: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [("h2", "Section (H2)"), ("h3", "Subsection (H3)")],
                            "help_text": "The page title is the only H1; start sections at H2.",
                        },
                    ),
                    2: ("wagtail.blocks.StructBlock", [[("text", 0), ("level", 1)]], {}),
                    3: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": [
                                "bold",
                                "italic",
                                "link",
                                "ol",
                                "ul",
                                "h3",
                                "h4",
                                "document-link",
                            ],
                            "icon": "pilcrow",
                            "label": "Paragraph",
                            "template": "blocks/paragraph_block.html",
                        },
                    ),
                    4: ("wagtail.images.blocks.ImageChooserBlock", (), {}),
                    5: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Describe the image for people who cannot see it; empty if decorative.",
                            "max_length": 200,
                            "required": False,
                        },
                    ),
                    6: ("wagtail.blocks.CharBlock", (), {"max_length": 200, "required": False}),
                    7: (
                        "wagtail.blocks.StructBlock",
                        [[("image", 4), ("alt_text", 5), ("caption", 6)]],
                        {},
                    ),
                    8: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Button text, e.g. 立即申请.",
                            "max_length": 30,
                            "required": False,
                        },
                    ),
                    9: (
                        "wagtail.blocks.PageChooserBlock",
                        (),
                        {"help_text": "Where the button leads.", "required": False},
                    ),
                    10: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "Or an address (/path, https://..., tel:95568) when there is no page.",
                            "max_length": 300,
                            "required": False,
                        },
                    ),
                    11: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [("primary", "Primary"), ("secondary", "Secondary")],
                            "help_text": "Use one primary button per section.",
                        },
                    ),
                    12: (
                        "wagtail.blocks.StructBlock",
                        [[("label", 8), ("page", 9), ("url", 10), ("style", 11)]],
                        {},
                    ),
                    13: ("portal.blocks.PortalTableBlock", (), {}),
                    14: ("wagtail.blocks.CharBlock", (), {"max_length": 120, "required": False}),
                    15: ("wagtail.blocks.CharBlock", (), {"max_length": 200}),
                    16: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {"features": ["h3", "h4", "bold", "italic", "ol", "ul", "link"]},
                    ),
                    17: ("wagtail.blocks.StructBlock", [[("question", 15), ("answer", 16)]], {}),
                    18: ("wagtail.blocks.ListBlock", (17,), {"min_num": 1}),
                    19: ("wagtail.blocks.StructBlock", [[("heading", 14), ("items", 18)]], {}),
                    20: (
                        "wagtail.snippets.blocks.SnippetChooserBlock",
                        ("targeting.Placement",),
                        {
                            "help_text": "Marketers choose what this slot shows, per audience, under Marketing.",
                            "label": "Placement",
                            "required": False,
                        },
                    ),
                    21: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "help_text": "This slot named a placement that does not exist, so it shows nothing. Choose a placement above and clear this field, or delete the slot.",
                            "label": "Placement not found",
                            "max_length": 80,
                            "required": False,
                        },
                    ),
                    22: (
                        "wagtail.blocks.StructBlock",
                        [[("placement", 20), ("missing_slug", 21)]],
                        {},
                    ),
                },
            ),
        ),
        migrations.RunPython(slugs_to_placements, placements_to_slugs),
    ]
