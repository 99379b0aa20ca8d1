"""Optimistic concurrency in forms: one way to refuse a stale save, for every app."""


def refuse_stale_save(form, message, current_version: int) -> None:
    """Someone else saved in the meantime: say so above the form, keep the user's input, and
    let a second save (a deliberate choice, made after seeing the message) replace theirs."""
    form.add_error(None, message)
    data = form.data.copy()
    data["version"] = current_version
    form.data = data
