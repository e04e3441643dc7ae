"""Password rules for new and changed passwords: length and a list of common passwords."""

from app.services.exceptions import InvalidInput

MIN_PASSWORD_LENGTH = 10
# scrypt takes any length, but hashing megabytes on every login attempt would be
# an easy way to burn CPU.
MAX_PASSWORD_LENGTH = 1024

# Passwords that appear near the top of every published leak ranking and are long
# enough to pass the length rule. Compared ignoring case. The list is short on
# purpose: it stops the passwords tried first, not every weak one.
COMMON_PASSWORDS = frozenset(
    """
    1234567890 12345678910 0123456789 1234567891 1111111111 0000000000 9876543210
    1q2w3e4r5t 1qaz2wsx3edc qwertyuiop qwerty1234 qwerty12345 qwertyuiop1 asdfghjkl1
    asdfghjkl; zxcvbnm123 password12 password123 password1234 password01 passw0rd123
    p@ssw0rd123 p@ssword123 iloveyou12 iloveyou123 letmein123 welcome123 welcome1234
    changeme123 administrator admin12345 admin123456 adminadmin abc1234567 abcdefghij
    abcd123456 football123 baseball123 basketball superman123 sunshine123 princess123
    monkey1234 dragon1234 trustno1234 starwars123 whatever123 michael123 jennifer123
    liverpool1 chocolate1 qazwsxedc123 computer123 internet123 1234qwerty 123qweasdzxc
    q1w2e3r4t5 a1b2c3d4e5 correcthorsebatterystaple
    """.split()
)


def check_password(password, *, email=None):
    """Raise InvalidInput on the ``password`` field unless the password may be used."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            "password",
            f"Must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters long.",
        )
    folded = password.casefold()
    if folded in COMMON_PASSWORDS:
        raise InvalidInput("password", "This password is too common. Choose another one.")
    if email and folded == email.strip().casefold():
        raise InvalidInput("password", "The password may not be the email address.")
