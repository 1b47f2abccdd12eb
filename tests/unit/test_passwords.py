from course.auth.passwords import hash_password, password_problem, verify_password


def test_short_password_is_refused_with_the_length():
    assert "at least 12 characters" in password_problem("short")


def test_common_long_password_is_refused():
    assert "less common" in password_problem("password1234")
    assert "less common" in password_problem("qwertyuiopasdf")


def test_password_built_from_the_email_is_refused():
    assert password_problem("taylor.teacher2", personal=("taylor.teacher2@example.org", "Taylor")) is not None


def test_a_few_unrelated_words_pass_without_composition_rules():
    assert password_problem("kettle orbit meadow tulip") is None


def test_too_long_password_is_refused():
    assert "at most 128" in password_problem("x" * 129)


def test_hash_is_argon2_and_verifies():
    hashed = hash_password("kettle orbit meadow tulip")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "kettle orbit meadow tulip")
    assert not verify_password(hashed, "kettle orbit meadow tulips")


def test_verify_without_a_hash_is_false():
    assert not verify_password(None, "anything at all here")
