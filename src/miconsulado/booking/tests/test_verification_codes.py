"""Verification codes: 6 random digits, kept only as a salted HMAC, carried sealed in the event."""

from django.test import override_settings

from miconsulado.booking import verification


def test_codes_are_six_digits_and_vary():
    drawn = {verification.new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in drawn)
    assert len(drawn) > 190  # 200 draws from a million: a repeat or two at most


def test_the_hash_is_salted_and_keyed():
    salt_a, salt_b = verification.new_salt(), verification.new_salt()
    assert verification.hash_code("123456", salt_a) != verification.hash_code("123456", salt_b)
    stored = verification.hash_code("123456", salt_a)
    assert "123456" not in stored
    with override_settings(SECRET_KEY="another-key-another-key-another-key-0000000"):
        assert verification.hash_code("123456", salt_a) != stored


def test_matches_takes_what_people_type_and_nothing_else():
    salt = verification.new_salt()
    stored = verification.hash_code("012345", salt)
    for typed in ("012345", " 012 345 ", "012-345"):
        assert verification.matches(typed, salt=salt, code_hash=stored)
    for typed in ("12345", "0123456", "", "０１２３４５", "012345\x00", "012346", "abcdef"):
        assert not verification.matches(typed, salt=salt, code_hash=stored)


def test_a_sealed_code_is_not_the_code_and_opens_with_the_key():
    for code in ("000000", "999999", "123456", verification.new_code()):
        salt = verification.new_salt()
        sealed = verification.seal(code, salt)
        assert len(sealed) == 6 and sealed.isdigit()
        assert verification.unseal(sealed, salt) == code
    salt = verification.new_salt()
    sealed = verification.seal("123456", salt)
    with override_settings(SECRET_KEY="another-key-another-key-another-key-0000000"):
        assert verification.unseal(sealed, salt) != "123456"
