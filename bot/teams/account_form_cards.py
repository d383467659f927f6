"""The account application in Teams: the card answering "request account", the dialog (the Slack
form's fields, bot/slack/blocks/account_form.py; pre-filled with SLT's request for a resubmission),
what the dialog sends back as the core's ApplicationForm, and the applicant's receipt.

The fields' checks are the core's (`bot/cases/accounts.py: check_application`); the one check here is
that a people picker holds an Entra object id, as only a forged request could send anything else.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    Choice,
    ChoiceSetInput,
    Container,
    QueryData,
    SubmitAction,
    TextInput,
)

from bot.cases.accounts import (
    CONFIRMATIONS,
    IMAGES_REMINDER,
    MAX_SHORT,
    MAX_TEXT,
    PLATFORMS,
    PUPIL_IMAGES,
    SCOPES,
    Application,
    ApplicationForm,
)
from bot.teams.cards import VERSION, _dump, _text, many_chosen, plain

APPLICATION_DIALOG = "request_account"  # `dialog` in a task/fetch or task/submit's data
PICKERS = ("lead", "moderator")
NOT_FROM_THE_LIST = "Please choose people from the list."
# An Entra object id, as Teams' people picker (dataset graph.microsoft.com/users) gives it.
ENTRA_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _error(errors: dict[str, str], name: str) -> list[Any]:
    return [_text(f"⚠️ {plain(errors[name])}", color="Attention", size="Small")] if name in errors else []


def open_application_button(ref: str | None = None) -> SubmitAction:
    """The button that opens the dialog (Teams sends task/fetch with this data); with `ref`, to change
    that application after SLT asked for changes."""
    data: dict[str, Any] = {"msteams": {"type": "task/fetch"}, "dialog": APPLICATION_DIALOG}
    if ref:
        data["ref"] = ref
    return SubmitAction(title="Edit and resubmit" if ref else "Request an account", data=data)


def application_prompt_card() -> dict[str, Any]:
    """The answer to "request account": bots cannot open a dialog from a message, so a button."""
    body = [
        _text("**Apply for an official school social-media account.** The policy asks for a strong educational "
              "or business reason and SLT's approval; the administrator then creates the account and keeps its "
              "login details."),
        ActionSet(actions=[open_application_button()]),
    ]
    return _dump(AdaptiveCard(version=VERSION, body=body))


def _choices(options: dict[str, str]) -> list[Choice]:
    return [Choice(title=label, value=value) for value, label in options.items()]


def _people(name: str, label: str, value: str | None) -> ChoiceSetInput:
    return ChoiceSetInput(id=name, label=label, is_required=True, choices=[], value=value,
                          choices_data=QueryData(dataset="graph.microsoft.com/users"))


def application_dialog(
    key: str,
    applicant_entra_id: str | None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    previous: Application | None = None,
) -> dict[str, Any]:
    """The application form. `key` is the dialog's idempotency key (as Slack's view id). `values`: what
    was typed (kept when errors are shown); `previous`: the application SLT asked to change, whose last
    answers fill the form and whose request is shown at the top."""
    errors = errors or {}
    if values is None and previous is not None:
        values = {**dataclasses.asdict(previous.form), "confirmations": ",".join(previous.form.confirmations)}
    values = values or {}

    def value(name: str) -> str | None:
        got = values.get(name)
        if isinstance(got, list | tuple):
            got = ",".join(str(v) for v in got)
        return str(got) if got not in (None, "") else None

    body: list[Any] = [_text("The policy says official accounts need a strong educational or business reason and "
                             "SLT's approval. The administrator then creates the account and keeps its login "
                             "details. **Never put a password in this form.**")]
    if previous is not None and previous.decision_reason:
        body.append(Container(style="attention", items=[
            _text("**SLT asked for these changes:**"), _text(plain(previous.decision_reason))]))
    if errors:
        body.append(_text("Please check the fields marked ⚠️.", color="Attention", weight="Bolder"))
    body += [
        ChoiceSetInput(id="platform", label="Platform", is_required=True, style="compact",
                       choices=_choices(PLATFORMS), value=value("platform")),
        *_error(errors, "platform"),
        TextInput(id="handle", label="Proposed account name or handle", is_required=True, max_length=MAX_SHORT,
                  value=value("handle")),
        *_error(errors, "handle"),
        ChoiceSetInput(id="scope", label="Who is the account for?", is_required=True, style="compact",
                       choices=_choices(SCOPES), value=value("scope")),
        *_error(errors, "scope"),
        TextInput(id="reason", label="The educational or business reason", is_required=True, is_multiline=True,
                  max_length=MAX_TEXT, value=value("reason"),
                  placeholder="At least two sentences: what the account is for and why the school's existing "
                  "channels don't do it."),
        *_error(errors, "reason"),
        TextInput(id="audience", label="Intended audience", is_required=True, max_length=MAX_SHORT,
                  value=value("audience"), placeholder="e.g. parents and carers of Year 5"),
        *_error(errors, "audience"),
        _people("lead", "Lead member of staff", value("lead") or applicant_entra_id),
        *_error(errors, "lead"),
        _people("moderator", "Second moderator (a different person)", value("moderator")),
        *_error(errors, "moderator"),
        TextInput(id="email", label="School email address it will be registered with", is_required=True,
                  max_length=MAX_SHORT, style="Email", value=value("email")),
        *_error(errors, "email"),
        ChoiceSetInput(id="pupil_images", label="Will pupils' images be posted?", is_required=True,
                       style="expanded", choices=_choices(PUPIL_IMAGES), value=value("pupil_images")),
        _text(plain(IMAGES_REMINDER), is_subtle=True, size="Small"),
        *_error(errors, "pupil_images"),
        ChoiceSetInput(id="confirmations", label="I confirm", is_multi_select=True, style="expanded",
                       choices=_choices(CONFIRMATIONS), value=value("confirmations")),
        *_error(errors, "confirmations"),
    ]
    data = {"dialog": APPLICATION_DIALOG, "key": key}
    if previous is not None:
        data["ref"] = previous.ref
    return _dump(AdaptiveCard(version=VERSION, body=body, actions=[SubmitAction(title="Send to SLT", data=data)]))


def form_from_submit(data: dict[str, Any]) -> ApplicationForm:
    """The submitted dialog as the core's ApplicationForm, exactly as typed."""

    def one(name: str) -> str | None:
        raw = data.get(name)
        return str(raw) if raw not in (None, "") and str(raw).strip() else None

    return ApplicationForm(
        platform=one("platform"),
        handle=one("handle"),
        scope=one("scope"),
        reason=one("reason"),
        audience=one("audience"),
        lead=one("lead"),
        moderator=one("moderator"),
        email=one("email"),
        pupil_images=one("pupil_images"),
        confirmations=many_chosen(data.get("confirmations")),
    )


def picker_errors(form: ApplicationForm) -> dict[str, str]:
    """A person field holding something other than an Entra object id: only a forged request sends one,
    and it must not be stored and later shown as someone's name."""
    chosen = {"lead": form.lead, "moderator": form.moderator}
    return {name: NOT_FROM_THE_LIST for name, value in chosen.items() if value and not ENTRA_ID.match(value)}


def received_text(application: Application) -> str:
    """The applicant's receipt in their 1:1 chat (plain text)."""
    lines = [
        f"Your application {application.ref} for a {application.platform_label} account "
        f"({application.form.handle or ''}) has been sent to SLT.",
        "What happens next: a member of SLT approves it, rejects it with a reason, or asks for changes; I'll "
        "message you either way. Once approved, the administrator creates the account and keeps its login "
        "details, and I'll tell you when it is live. Don't create the account yourself.",
    ]
    if application.form.pupil_images == "yes":
        lines.append(f"📷 {IMAGES_REMINDER}")
    return "\n\n".join(lines)
