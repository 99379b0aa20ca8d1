"""Which models the audit trail follows, and which of their fields it masks.

Free-text fields are recorded as "changed, so many characters", never with their content:
what users type is scanned for personal data before it is saved, but the trail outlives the
records (its own retention term), so it keeps none of their text. The snapshot of an adopted
beraad, password hashes, second-factor secrets and timestamps that change with every save are
left out altogether.
"""

from auditlog.registry import auditlog
from django.apps import apps
from django.utils.encoding import smart_str

MASK = "rodedraden.audit.registry.describe_text"
ALWAYS_EXCLUDED = ["updated_at", "created_at", "version"]

# model label → (fields masked as free text, further fields left out)
FOLLOWED = {
    "accounts.User": (
        # A new password is recorded as changed, never its hash.
        ["first_name", "last_name", "email", "job_title", "password"],
        ["last_login", "date_joined"],
    ),
    "signals.OversightBody": (["description"], []),
    "signals.Membership": ([], []),
    "signals.Aspect": ([], []),
    "signals.OrganisationUnit": ([], []),
    "signals.Signal": (["title", "description", "source_reference", "details"], []),
    "deliberation.Beraad": (
        ["agenda", "attendance", "minutes", "summary"],
        ["snapshot"],
    ),
    "deliberation.Intake": ([], []),
    "deliberation.BeraadSignal": ([], []),
    "deliberation.Theme": (["description"], []),
    "deliberation.Tag": ([], []),
    "deliberation.Analysis": (["text"], []),
    "deliberation.Recommendation": (["text", "response_reason", "owner", "progress"], []),
    "reports.Memo": ([], ["error"]),
    # Switching two factors on and off; the secrets themselves never.
    "otp_totp.TOTPDevice": ([], ["key", "last_t", "drift", "throttling_failure_timestamp"]),
}
M2M = {
    "signals.Signal": ["aspects", "organisation_units"],
    "deliberation.Beraad": ["bodies"],
}


def describe_text(value: str) -> str:
    """What the trail keeps of a free-text value: whether there was one, and its length."""
    value = smart_str(value)
    if value in ("", "None", "{}", "[]"):
        return "—"
    return f"[{len(value)} tekens]"  # stored, so in the data's language


def register_models() -> None:
    for label, (masked, excluded) in FOLLOWED.items():
        model = apps.get_model(label)
        fields = {field.name for field in model._meta.get_fields()}
        auditlog.register(
            model,
            mask_fields=masked,
            mask_callable=MASK,
            exclude_fields=[name for name in ALWAYS_EXCLUDED if name in fields] + excluded,
            m2m_fields=M2M.get(label, []),
        )
