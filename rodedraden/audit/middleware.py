from auditlog.middleware import AuditlogMiddleware
from axes.helpers import get_client_ip_address


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (the account and address of each change), without copying
    the account's e-mail address into every entry: the account itself is the foreign key.

    The address is the one django-axes locks out (rodedraden.accounts.network), not the first
    entry of a header the client may write.
    """

    @staticmethod
    def _get_remote_addr(request):
        return get_client_ip_address(request)

    def get_extra_data(self, request):
        data = super().get_extra_data(request)
        # Applied after auditlog has set actor_email from the account, so it wins.
        data["actor_email"] = None
        return data
