from meihao.accounts.models import SelfRegistration


def is_self_registered(user) -> bool:
    """Whether the user created their own log-in with an SMS code."""
    if not getattr(user, "is_authenticated", False):
        return False
    return SelfRegistration.objects.filter(user=user).exists()
