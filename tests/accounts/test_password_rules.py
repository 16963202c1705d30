import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from guazhi.accounts.models import User


@pytest.mark.parametrize("password", ["Guazhi#2026", "abcd1234!", "ABCD1234x", "Qingchuan.88"])
def test_strong_passwords_pass(password):
    validate_password(password, User(username="someone", full_name="王芳"))


@pytest.mark.parametrize(
    "password",
    ["short1A", "alllowercase", "lowercase123", "UPPER-CASE", "12345678!!"],
)
def test_weak_passwords_fail(password):
    with pytest.raises(ValidationError):
        validate_password(password, User(username="someone"))


def test_password_may_not_contain_the_id_number_digits(cadre_a):
    user = User(username="zhangjianguo", cadre=cadre_a)
    with pytest.raises(ValidationError) as error:
        validate_password("Pw#19850412x", user)
    assert "身份证号" in str(error.value)
