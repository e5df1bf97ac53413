import pytest

from huiwu.core.text import PhoneError, clean_name, fold, mask_mobile, normalize_mobile


@pytest.mark.parametrize("raw,expected", [
    ("王  立", "王立"), ("王\u3000立", "王立"), (" 付宇豪 ", "付宇豪"),
    ("阿卜杜拉 · 艾力", "阿卜杜拉·艾力"), ("阿卜杜拉•艾力", "阿卜杜拉·艾力"), ("John  Smith", "John Smith"),
])
def test_clean_name(raw, expected):
    assert clean_name(raw) == expected


@pytest.mark.parametrize("raw", [
    "13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "0086-13800138000",
    "１３８００１３８０００", "13800138000.0", "(+86)138-0013-8000",
])
def test_mobile_forms(raw):
    assert normalize_mobile(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["", "010-66096253", "1380013800", "23800138000", "abc", "+1 415 555 0100"])
def test_bad_mobiles_say_what_to_fix(raw):
    with pytest.raises(PhoneError) as exc:
        normalize_mobile(raw)
    assert "手机" in str(exc.value)


def test_fold_and_mask():
    assert fold("ＡＢＣ　１２３：") == "ABC 123:"
    assert mask_mobile("13800138000") == "138****8000"



def test_fast_path_agrees_with_phonenumbers():
    """The cached prefix check must say exactly what a full phonenumbers parse says."""
    import phonenumbers

    for prefix in range(100, 200):
        for tail in ("00000000", "45678901", "99999999"):
            number = f"{prefix}{tail}"
            parsed = phonenumbers.parse(number, "CN")
            expected = phonenumbers.number_type(parsed) in (
                phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
            try:
                ok = normalize_mobile(number) == number
            except PhoneError:
                ok = False
            assert ok == expected, number
