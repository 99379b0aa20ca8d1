from django.db import transaction

from .models import Role, User


@transaction.atomic
def user_create(
    *,
    username: str,
    role: Role | str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
) -> User:
    """Create a user with a role. Without a password the account cannot sign in until one is
    set: by an administrator, or by the user through the link in the welcome e-mail that
    comes with their first membership."""
    user = User(
        username=username,
        role=Role(role),
        email=User.objects.normalize_email(email),
        first_name=first_name,
        last_name=last_name,
        job_title=job_title,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user
