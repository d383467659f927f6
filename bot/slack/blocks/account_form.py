"""The /request-account modal (also pre-filled for a resubmission), what it sends back, and the
confirmation the applicant sees."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

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
from bot.slack.blocks.forms import many, one, submitted_values, text_or_none
from bot.slack.escape import clip, escape

CALLBACK = "request_account"
VALUE = "value"


def _options(choices: dict[str, str]) -> list[Option]:
    return [Option(value=k, label=v[:75]) for k, v in choices.items()]


def _chosen(choices: dict[str, str], value: str | None) -> Option | None:
    return Option(value=value, label=choices[value][:75]) if value in choices else None


def application_modal(applicant_id: str, previous: Application | None = None) -> dict:
    """The form; with `previous`, pre-filled with the last version and SLT's requested changes shown."""
    form = previous.form if previous else None
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text="The policy says official accounts need a strong educational or business reason and SLT's "
                "approval. The administrator then creates the account and keeps its login details. "
                "*Never put a password in this form.*"
            )
        )
    ]
    if previous and previous.decision_reason:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(f"*SLT asked for these changes:*\n{escape(previous.decision_reason)}", 3000)
                )
            )
        )
    blocks += [
        InputBlock(
            block_id="platform",
            label="Platform",
            element=StaticSelectElement(
                action_id=VALUE,
                placeholder="Choose one",
                options=_options(PLATFORMS),
                initial_option=_chosen(PLATFORMS, form.platform if form else None),
            ),
        ),
        InputBlock(
            block_id="handle",
            label="Proposed account name or handle",
            element=PlainTextInputElement(
                action_id=VALUE, max_length=MAX_SHORT, initial_value=form.handle if form else None
            ),
        ),
        InputBlock(
            block_id="scope",
            label="Who is the account for?",
            element=StaticSelectElement(
                action_id=VALUE,
                placeholder="Choose one",
                options=_options(SCOPES),
                initial_option=_chosen(SCOPES, form.scope if form else None),
            ),
        ),
        InputBlock(
            block_id="reason",
            label="The educational or business reason",
            hint="At least two sentences: what the account is for and why the school's existing channels don't do it.",
            element=PlainTextInputElement(
                action_id=VALUE, multiline=True, max_length=MAX_TEXT, initial_value=form.reason if form else None
            ),
        ),
        InputBlock(
            block_id="audience",
            label="Intended audience",
            element=PlainTextInputElement(
                action_id=VALUE,
                max_length=MAX_SHORT,
                placeholder="e.g. parents and carers of Year 5",
                initial_value=form.audience if form else None,
            ),
        ),
        InputBlock(
            block_id="lead",
            label="Lead member of staff",
            element=UserSelectElement(action_id=VALUE, initial_user=(form.lead if form else None) or applicant_id),
        ),
        InputBlock(
            block_id="moderator",
            label="Second moderator (a different person)",
            element=UserSelectElement(action_id=VALUE, initial_user=form.moderator if form else None),
        ),
        InputBlock(
            block_id="email",
            label="School email address it will be registered with",
            element=PlainTextInputElement(
                action_id=VALUE, max_length=MAX_SHORT, initial_value=form.email if form else None
            ),
        ),
        InputBlock(
            block_id="pupil_images",
            label="Will pupils' images be posted?",
            hint=IMAGES_REMINDER,
            element=RadioButtonsElement(
                action_id=VALUE,
                options=_options(PUPIL_IMAGES),
                initial_option=_chosen(PUPIL_IMAGES, form.pupil_images if form else None),
            ),
        ),
        InputBlock(
            block_id="confirmations",
            label="I confirm",
            element=CheckboxesElement(
                action_id=VALUE,
                options=_options(CONFIRMATIONS),
                initial_options=[o for o in _options(CONFIRMATIONS) if form and o.value in form.confirmations] or None,
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=CALLBACK,
        private_metadata=previous.ref if previous else "",
        title="Official account" if not previous else f"Change {previous.ref}",
        submit="Send to SLT",
        close="Cancel",
        blocks=blocks,
    ).to_dict()


def form_from_view(view: dict[str, Any]) -> ApplicationForm:
    values = submitted_values(view)
    return ApplicationForm(
        platform=one(values.get("platform")),
        handle=text_or_none(values.get("handle")),
        scope=one(values.get("scope")),
        reason=text_or_none(values.get("reason")),
        audience=text_or_none(values.get("audience")),
        lead=one(values.get("lead")),
        moderator=one(values.get("moderator")),
        email=text_or_none(values.get("email")),
        pupil_images=one(values.get("pupil_images")),
        confirmations=many(values.get("confirmations")),
    )


def received_text(application: Application) -> str:
    lines = [
        f"*Your application {application.ref}* for a {escape(application.platform_label)} account "
        f"({escape(application.form.handle or '')}) has been sent to SLT.",
        "",
        "*What happens next:* a member of SLT approves it, rejects it with a reason, or asks for changes; I'll "
        "message you either way. Once approved, the administrator creates the account and keeps its login "
        "details, and I'll tell you when it is live. Don't create the account yourself.",
    ]
    if application.form.pupil_images == "yes":
        lines += ["", f":camera: {IMAGES_REMINDER}"]
    return "\n".join(lines)


def confirmation_view(application: Application) -> dict:
    return View(
        type="modal",
        title="Application sent",
        close="Done",
        blocks=[SectionBlock(text=MarkdownTextObject(text=clip(received_text(application), 3000)))],
    ).to_dict()
