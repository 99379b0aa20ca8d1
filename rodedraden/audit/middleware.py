from auditlog.middleware import AuditlogMiddleware


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (the account and address of each change), without copying
    the account's e-mail address into every entry: the account itself is the foreign key."""

    def get_extra_data(self, request):
        data = super().get_extra_data(request)
        # Applied after auditlog has set actor_email from the account, so it wins.
        data["actor_email"] = None
        return data
