from miconsulado.booking import codes


def test_codes_use_the_unambiguous_alphabet():
    drawn = {codes.new_code() for _ in range(2000)}
    assert len(drawn) == 2000  # no repeats in a small sample: not sequential, not tiny
    for code in drawn:
        assert len(code) == codes.CODE_LENGTH
        assert set(code) <= set(codes.CODE_ALPHABET)
    assert not set("0O1IL2Z5S8B") & set(codes.CODE_ALPHABET)


def test_typed_or_spoken_codes_are_normalized():
    assert codes.normalize_code(" ac3d-4efh ") == "AC3D4EFH"
    assert codes.display_code("AC3D4EFH") == "AC3D-4EFH"
