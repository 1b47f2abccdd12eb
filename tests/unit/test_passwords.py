from argon2 import PasswordHasher, Type, extract_parameters

from course.accounts.passwords import hash_password, needs_rehash, password_problem, verify_password


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


def test_hash_uses_owasp_argon2id_cost_at_least():
    parameters = extract_parameters(hash_password("kettle orbit meadow tulip"))
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 19 * 1024 and parameters.time_cost >= 2 and parameters.parallelism >= 1


def test_a_hash_with_other_parameters_needs_rehashing():
    old = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4).hash("kettle orbit meadow tulip")
    assert needs_rehash(old)
    assert not needs_rehash(hash_password("kettle orbit meadow tulip"))
    assert needs_rehash("not a hash")
