"""The rule editor offers the channel-event attributes, in Chinese for a zh-hans marketer."""

from django.utils import translation

from targeting.catalogue import localized_catalogue
from targeting.engine.providers.channels import NAMES


def test_the_editor_catalogue_offers_every_channel_attribute_in_chinese():
    with translation.override("zh-hans"):
        catalogue = localized_catalogue()
    by_name = {a["name"]: a for a in catalogue["attributes"]}
    assert set(NAMES) <= set(by_name)
    assert by_name["card.spend_30d.travel"]["label"] == "30 天内刷卡消费：旅行"
    assert by_name["card.spend_30d.travel"]["family"] == "card"
    assert by_name["app.opened_30d"]["operators"] == ["eq", "ne", "exists"]
    assert catalogue["family_labels"]["card"] == "银行卡交易"
    assert catalogue["choice_labels"]["card.last_category"]["travel"] == "旅行"
    # every label of the new attributes is translated (no English left for the editor)
    for name in NAMES:
        label = by_name[name]["label"]
        assert not label.isascii(), f"{name}: {label}"
