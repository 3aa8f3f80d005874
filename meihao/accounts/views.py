"""The account pages: register with an SMS code, log in with one, reset the password with one,
and log out with a confirmation. All but log-out are open to anonymous visitors
(core.public_routes)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from meihao.accounts import services
from meihao.accounts.forms import CodeForm, NewPasswordForm
from meihao.accounts.models import CodePurpose
from meihao.core import pii
from meihao.core.errors import DomainError
from meihao.core.forms import add_domain_error
from meihao.core.middleware import safe_next
from meihao.core.throttle import RateLimited, client_ip

# Log-ins made here are not password checks: Django records the backend that vouched for the
# user in the session, and this one loads the user on each request.
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _code_page(request, *, form_class, purpose, template, complete):
    """A page whose form sends a code (`action=send`) and then does its work with it:
    `complete(form.cleaned_data)` returns the response, or raises the service's refusal."""
    status = 200
    sent_to = ""
    wait = None
    if request.method != "POST":
        form = form_class()
    else:
        sending = request.POST.get("action") == "send"
        form = form_class(request.POST, sending=sending)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if not sending:
                    return complete(data)
                services.send_code(
                    phone=data["phone"], purpose=purpose, client_address=client_ip(request)
                )
                sent_to = pii.mask_phone(data["phone"])
            except RateLimited as exc:
                form.add_error(None, exc.message)
                status, wait = 429, exc.wait
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status if exc.status >= 500 else 200
    response = render(
        request,
        template,
        {
            "form": form,
            "sent_to": sent_to,
            "code_minutes": settings.SMS_CODE_TTL_MINUTES,
            "next": safe_next(request) or "",
        },
        status=status,
    )
    if wait is not None:
        response["Retry-After"] = str(wait)
    return response


@login_not_required
@never_cache
@sensitive_post_parameters("password1", "password2", "code")
def register(request):
    if request.user.is_authenticated:
        return redirect("home")

    def complete(data):
        user = services.register_resident(
            phone=data["phone"],
            code=data["code"],
            password=data["password1"],
            client_address=client_ip(request),
        )
        login(request, user, backend=SESSION_BACKEND)
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("home")

    return _code_page(
        request,
        form_class=NewPasswordForm,
        purpose=CodePurpose.REGISTER,
        template="accounts/register.html",
        complete=complete,
    )


@login_not_required
@never_cache
@sensitive_post_parameters("code")
def login_with_code(request):
    if request.user.is_authenticated:
        return redirect("home")

    def complete(data):
        user = services.user_for_login_code(
            phone=data["phone"], code=data["code"], client_address=client_ip(request)
        )
        login(request, user, backend=SESSION_BACKEND)
        return redirect(safe_next(request) or "home")

    return _code_page(
        request,
        form_class=CodeForm,
        purpose=CodePurpose.LOGIN,
        template="accounts/login_code.html",
        complete=complete,
    )


@login_not_required
@never_cache
@sensitive_post_parameters("password1", "password2", "code")
def password_reset(request):
    def complete(data):
        services.reset_password(
            phone=data["phone"],
            code=data["code"],
            password=data["password1"],
            client_address=client_ip(request),
        )
        if request.user.is_authenticated:
            logout(request)
        messages.success(request, _("Your password was changed. Log in with the new one."))
        return redirect("login")

    return _code_page(
        request,
        form_class=NewPasswordForm,
        purpose=CodePurpose.RESET,
        template="accounts/password_reset.html",
        complete=complete,
    )


@never_cache
def logout_confirm(request):
    """Log-out asks first. The menu's log-out button and a plain link both land on the
    question; only its own button (`confirm`) ends the session, then the page says so."""
    if request.method == "POST" and request.POST.get("confirm"):
        logout(request)
        return redirect("accounts:logged_out")
    return render(request, "accounts/logout_confirm.html")


@login_not_required
@never_cache
def logged_out(request):
    return render(request, "accounts/logged_out.html")
