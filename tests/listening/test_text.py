"""The text steps: normalise, mask, segment, fingerprint, sentiment."""

from community.listening import text


def test_normalise_makes_full_width_plain_and_drops_controls():
    assert text.normalise("ＡＴＭ\x00 吞卡了\u200b  ！！") == "ATM 吞卡了 !!"


def test_what_is_stored_keeps_chinese_punctuation():
    assert text.clean("ＡＴＭ\x00 吞卡了，\u200b  怎么办？") == "ＡＴＭ 吞卡了， 怎么办？"


def test_masks_mobile_card_and_id_numbers_and_long_digit_runs():
    masked, found = text.mask(
        "电话13800138000，卡号6222 0212 3456 7892（Luhn），身份证11010519491231002X，账号123456789012345"
    )
    assert "13800138000" not in masked and "8000" in masked
    assert "11010519491231002X" not in masked
    assert "123456789012345" not in masked and masked.endswith("2345")
    assert {"mobile", "number"} <= found


def test_segment_keeps_bank_words_whole_and_drops_stop_words():
    words = text.segment("我的手机银行又闪退了，信用卡账单分期也办不了")
    assert "手机银行" in words and "信用卡" in words and "账单分期" in words
    assert "的" not in words and "了" not in words


def test_near_duplicates_share_a_band_and_are_similar():
    def signature(value):
        return text.minhash(text.shingles(text.normalise(value)))

    a = signature("手机银行又崩了，登录不了，转账也转不出去，大家怎么看")
    b = signature("【转】手机银行又崩了，登录不了，转账也转不出去 转发")
    c = signature("请问大额存单现在利率多少，想存一年")
    assert text.similarity(a, b) >= 0.6
    assert any(x == y for x, y in zip(text.bands(a), text.bands(b), strict=True))
    assert text.similarity(a, c) < 0.2
    assert len(a.tobytes()) == 128


def test_sentiment_reads_negation():
    assert text.sentiment(text.segment("服务很好，很满意")) > 0.5
    assert text.sentiment(text.segment("态度恶劣，太差了")) < -0.5
    assert text.sentiment(text.segment("不满意")) < 0
