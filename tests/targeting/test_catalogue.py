"""The rule language's catalogue as the admin rule editor receives it, in the active language."""

from __future__ import annotations

import json

from django.utils import translation

from targeting.catalogue import CHOICE_LABELS, ENGINE_MSGIDS, FAMILY_LABELS, localized_catalogue
from targeting.engine.attributes import describe


def _attribute(catalogue: dict, name: str) -> dict:
    return next(a for a in catalogue["attributes"] if a["name"] == name)


def test_in_chinese_the_labels_are_translated_and_the_codes_are_not():
    # Given the admin in Simplified Chinese
    with translation.override("zh-hans"):
        # When the editor's catalogue is built
        catalogue = localized_catalogue()

    # Then the search engine attribute reads in Chinese, under its unchanged name and operators
    engine = _attribute(catalogue, "source.search_engine")
    assert "搜索引擎" in engine["label"]
    assert "搜索引擎" in engine["description"]
    assert engine["name"] == "source.search_engine"
    assert engine["family"] == "source"
    assert engine["operators"] == _attribute(describe(), "source.search_engine")["operators"]
    # and so do operator names, family names and choice names, keyed by the unchanged codes
    assert catalogue["operator_labels"]["eq"] == "等于"
    assert set(catalogue["operator_labels"]) == set(describe()["operator_labels"])
    assert catalogue["family_labels"]["source"] == "流量来源"
    assert catalogue["choice_labels"]["source.search_engine"]["baidu"] == "百度"
    assert engine["choices"] == _attribute(describe(), "source.search_engine")["choices"]
    assert json.loads(json.dumps(catalogue, ensure_ascii=False)) == catalogue


def test_in_english_the_catalogue_reads_as_the_engine_wrote_it():
    # Given the admin in English
    with translation.override("en"):
        catalogue = localized_catalogue()

    # Then the labels are the engine's own
    engine = _attribute(catalogue, "source.search_engine")
    assert engine["label"] == "Search engine"
    assert catalogue["operator_labels"]["eq"] == "is"
    assert catalogue["choice_labels"]["source.search_engine"]["baidu"] == "Baidu"


def test_every_display_string_of_the_engine_is_listed_for_translation():
    # Given the engine's catalogue
    catalogue = describe()
    strings = {
        s
        for a in catalogue["attributes"]
        for s in (a["label"], a["description"], a["key_label"])
        if s
    }
    strings |= set(catalogue["operator_labels"].values())

    # Then each one is a literal msgid in targeting.catalogue, so makemessages finds it
    assert strings <= set(ENGINE_MSGIDS)
    # and every family and choice with a display name exists in the engine
    assert set(FAMILY_LABELS) == set(catalogue["families"])
    by_name = {a["name"]: a for a in catalogue["attributes"]}
    for name, labels in CHOICE_LABELS.items():
        assert set(labels) <= {str(c) for c in by_name[name]["choices"]}


def test_the_editor_offers_chinese_pickers_for_regions_and_cities_and_the_key():
    # Given the admin in Chinese
    with translation.override("zh-hans"):
        catalogue = localized_catalogue()

    # Then regions are offered by their Chinese names, cities by province, keys named
    region = _attribute(catalogue, "geo.region")
    assert "CN-GD" in region["suggestions"][0][1]
    assert catalogue["choice_labels"]["geo.region"]["CN-GD"] == "广东"
    city_groups = dict(_attribute(catalogue, "geo.city")["suggestions"])
    assert "广州" in city_groups["广东"]
    assert _attribute(catalogue, "source.query")["key_label"] == "参数名"
