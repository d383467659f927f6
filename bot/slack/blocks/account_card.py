"""Block Kit for account applications: SLT's decision card, the administrator's card, the decision
modals, the applicant's messages, and the register on App Home."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.cases.account_rules import awaits_creation, awaits_decision
from bot.cases.accounts import (
    CONFIRMATIONS,
    IMAGES_REMINDER,
    MAX_SHORT,
    MAX_TEXT,
    SCOPES,
    Account,
    AccountStatus,
    Application,
    AppState,
)
from bot.cases.records import Event
from bot.render import times
from bot.slack.escape import clip, escape, mention, quote

APPROVE = "application_approve"
REJECT = "application_reject"
REQUEST_CHANGES = "application_request_changes"
CREATE = "application_create"
EDIT = "application_edit"
CHANGE_LEAD = "register_change_lead"
CLOSE_ACCOUNT = "register_close"
REJECT_CALLBACK = "application_reject_modal"
CHANGES_CALLBACK = "application_changes_modal"
CREATE_CALLBACK = "application_create_modal"
LEAD_CALLBACK = "register_lead_modal"
CLOSE_CALLBACK = "register_close_modal"
VALUE = "value"


def _state_line(application: Application) -> str:
    state = application.state
    if state is AppState.SUBMITTED:
        extra = f" (version {application.version})" if application.version > 1 else ""
        return f":hourglass: *Awaiting a decision*{extra}"
    who = f"by {mention(application.decided_by)} {times.slack(application.decided_at)}"
    if state is AppState.APPROVED:
        return f":white_check_mark: *Approved* {who}; the administrator has been asked to create it"
    if state is AppState.LIVE:
        return f":white_check_mark: *Approved* {who}. :rocket: *Live*: the administrator has created it"
    reason = quote(application.decision_reason or "", 1200)
    if state is AppState.REJECTED:
        return f":x: *Rejected* {who}\n{reason}"
    return f":pencil2: *Changes requested* {who}\n{reason}"


def _event_line(event: Event) -> str:
    detail = f": {escape(clip(event.detail, 300))}" if event.detail else ""
    return f"{times.slack(event.at)} {mention(event.actor)} {escape(event.action)}{detail}"


def application_card(application: Application, existing: list[Account], email_domain: str | None) -> list[dict]:
    form = application.form
    fields = [
        MarkdownTextObject(text=f"*Platform*\n{escape(application.platform_label)}"),
        MarkdownTextObject(text=f"*Name or handle*\n{escape(clip(form.handle or '', 200))}"),
        MarkdownTextObject(text=f"*For*\n{escape(SCOPES.get(form.scope or '', ''))}"),
        MarkdownTextObject(text=f"*Audience*\n{escape(clip(form.audience or '', 200))}"),
        MarkdownTextObject(text=f"*Lead*\n{mention(form.lead)}"),
        MarkdownTextObject(text=f"*Second moderator*\n{mention(form.moderator)}"),
        MarkdownTextObject(text=f"*School email*\n{escape(clip(form.email or '', 200))}"),
        MarkdownTextObject(text=f"*Pupil images*\n{'Yes' if form.pupil_images == 'yes' else 'No'}"),
    ]
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"Account application {application.ref}", 150)),
        SectionBlock(text=MarkdownTextObject(text=clip(_state_line(application), 3000))),
        SectionBlock(text=MarkdownTextObject(text=f"*Applicant:* {mention(application.applicant_id)}"), fields=fields),
        SectionBlock(text=MarkdownTextObject(text=f"*Reason*\n{quote(form.reason or '', 2800)}")),
    ]
    notes = []
    if existing:
        listed = ", ".join(f"{escape(a.handle)} ({a.application_ref})" for a in existing)
        notes.append(
            f":warning: The register already holds an active {escape(application.platform_label)} account: "
            f"{listed}. The policies expect one school account per platform."
        )
    if form.pupil_images == "yes":
        notes.append(f":camera: {escape(IMAGES_REMINDER)}")
    if not email_domain:
        notes.append("The school email domain is not set (POLICYBOT_SCHOOL_EMAIL_DOMAIN): check the address.")
    confirmed = ", ".join(CONFIRMATIONS[c].lower() for c in form.confirmations if c in CONFIRMATIONS)
    notes.append(f"Confirmed: {escape(confirmed)}.")
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip("\n".join(notes), 2000))]))
    timeline = [_event_line(e) for e in application.timeline[-10:]]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip("\n".join(timeline), 2000))]))
    if awaits_decision(application):
        blocks.append(
            ActionsBlock(
                block_id=f"decide:{application.ref}",
                elements=[
                    ButtonElement(text="Approve", action_id=APPROVE, value=application.ref, style="primary"),
                    ButtonElement(text="Reject", action_id=REJECT, value=application.ref, style="danger"),
                    ButtonElement(text="Request changes", action_id=REQUEST_CHANGES, value=application.ref),
                ],
            )
        )
    return [b.to_dict() for b in blocks]


def application_card_text(application: Application) -> str:
    return f"Account application {application.ref}: {application.platform_label} ({application.state.label})"


def admin_card(application: Application, account: Account | None) -> list[dict]:
    form = application.form
    text = (
        f"*Please create an official {escape(application.platform_label)} account* ({application.ref}), approved by "
        f"{mention(application.decided_by)}.\n*Name or handle asked for:* {escape(clip(form.handle or '', 200))}\n"
        f"*Register it with:* {escape(clip(form.email or '', 200))}\n*Lead:* {mention(form.lead)} · "
        f"*Second moderator:* {mention(form.moderator)}\nKeep the login details with the administrator, "
        "never in Slack; add the lead and moderator as the platform allows."
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))]
    if account is not None:
        link = f" {escape(account.url)}" if account.url else ""
        created = f"{mention(account.created_by)} {times.slack(account.created_at)}"
        done = f":rocket: Created by {created}: *{escape(account.handle)}*{link}"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(done, 3000))))
    elif awaits_creation(application):
        blocks.append(
            ActionsBlock(
                block_id=f"create:{application.ref}",
                elements=[
                    ButtonElement(text="Create account", action_id=CREATE, value=application.ref, style="primary")
                ],
            )
        )
    return [b.to_dict() for b in blocks]


def applicant_notice(application: Application, event: str, account: Account | None) -> tuple[str, list[dict] | None]:
    """The message to the applicant for a step of their application, and any button it needs."""
    ref = application.ref
    platform = escape(application.platform_label)
    if event == "approved":
        return (
            f"Good news: SLT ({mention(application.decided_by)}) approved your application *{ref}* for a {platform} "
            "account. The administrator will create it and I'll tell you when it is live. Please don't create "
            "it yourself.",
            None,
        )
    if event == "rejected":
        return (
            f"SLT ({mention(application.decided_by)}) rejected your application *{ref}* for a {platform} account. "
            f"Their reason:\n{quote(application.decision_reason or '', 2000)}",
            None,
        )
    if event == "changes":
        text = (
            f"SLT ({mention(application.decided_by)}) asked for changes to your application *{ref}* for a {platform} "
            f"account:\n{quote(application.decision_reason or '', 2000)}\nPress *Edit and resubmit* to change "
            "the form; it opens with your answers filled in."
        )
        button = ActionsBlock(
            block_id=f"edit:{ref}",
            elements=[ButtonElement(text="Edit and resubmit", action_id=EDIT, value=ref, style="primary")],
        )
        return text, [SectionBlock(text=MarkdownTextObject(text=clip(text, 3000))).to_dict(), button.to_dict()]
    if event == "live" and account is not None:
        where = f" {escape(account.url)}" if account.url else ""
        return (
            f":rocket: Your {platform} account *{escape(account.handle)}*{where} ({ref}) is live. The administrator "
            "holds the login details. Remember: answer comments within 24 hours (next working day at weekends), "
            "keep it separate from personal accounts, and tell SLT if you leave or hand it over.",
            None,
        )
    from bot.slack.blocks.account_form import received_text

    return received_text(application), None


def register_alert_text(account: Account, user_id: str) -> str:
    role = account.role_of(user_id)
    return (
        f":warning: The {role} of the official {escape(account.platform_label)} account *{escape(account.handle)}* "
        f"({account.application_ref}), {mention(user_id)}, has left Slack. The account needs a new {role} or closing: "
        "use the register on policybot's Home tab."
    )


def _modal(callback: str, ref: str, title: str, submit: str, blocks: list[Block]) -> dict:
    return View(
        type="modal",
        callback_id=callback,
        private_metadata=ref,
        title=clip(title, 24),
        submit=submit,
        close="Cancel",
        blocks=blocks,
    ).to_dict()


def reason_modal(ref: str, changes: bool) -> dict:
    label = "What should change?" if changes else "Reason (the applicant is told it)"
    return _modal(
        CHANGES_CALLBACK if changes else REJECT_CALLBACK,
        ref,
        f"{'Changes to' if changes else 'Reject'} {ref}",
        "Send" if changes else "Reject",
        [
            InputBlock(
                block_id="reason",
                label=label,
                element=PlainTextInputElement(action_id=VALUE, multiline=True, max_length=MAX_TEXT),
            )
        ],
    )


def create_modal(ref: str, handle: str | None) -> dict:
    return _modal(
        CREATE_CALLBACK,
        ref,
        f"Create {ref}",
        "Add to register",
        [
            InputBlock(
                block_id="handle",
                label="Account handle or name, as created",
                element=PlainTextInputElement(action_id=VALUE, max_length=MAX_SHORT, initial_value=handle),
            ),
            InputBlock(
                block_id="url",
                label="Link to the account",
                optional=True,
                element=PlainTextInputElement(action_id=VALUE, max_length=MAX_SHORT),
            ),
            InputBlock(
                block_id="credentials",
                label="Login details",
                element=CheckboxesElement(
                    action_id=VALUE,
                    options=[
                        Option(
                            value="stored",
                            label="The login details are stored with the administrator (not in Slack)",
                        )
                    ],
                ),
            ),
        ],
    )


def lead_modal(account: Account) -> dict:
    return _modal(
        LEAD_CALLBACK,
        str(account.id),
        "Change the lead",
        "Change lead",
        [
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"{escape(account.platform_label)} *{escape(account.handle)}*, "
                    f"led by {mention(account.lead_id)}"
                )
            ),
            InputBlock(block_id="lead", label="New lead", element=UserSelectElement(action_id=VALUE)),
        ],
    )


def close_account_modal(account: Account) -> dict:
    return _modal(
        CLOSE_CALLBACK,
        str(account.id),
        "Close an account",
        "Update register",
        [
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"{escape(account.platform_label)} *{escape(account.handle)}* ({account.application_ref})"
                )
            ),
            InputBlock(
                block_id="status",
                label="What happened to it?",
                element=RadioButtonsElement(
                    action_id=VALUE,
                    options=[
                        Option(value=AccountStatus.CLOSED.value, label="Closed (deleted or archived)"),
                        Option(value=AccountStatus.TRANSFERRED.value, label="Handed over (transferred)"),
                    ],
                ),
            ),
            InputBlock(
                block_id="note",
                label="Note",
                optional=True,
                element=PlainTextInputElement(action_id=VALUE, multiline=True, max_length=MAX_TEXT),
            ),
        ],
    )


def register_blocks(accounts: list[Account]) -> list[dict]:
    """The register on App Home for SLT and administrators: each active account with its buttons."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*Register of official accounts* ({len(accounts)} active)"))
    ]
    for account in accounts[:20]:  # App Home allows 100 blocks; the CLI lists them all
        link = f" {escape(account.url)}" if account.url else ""
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(
                        f"*{escape(account.platform_label)}* {escape(account.handle)}{link}\n"
                        f"{escape(account.scope_label)} · lead {mention(account.lead_id)} · moderator "
                        f"{mention(account.moderator_id)} · {account.application_ref}",
                        3000,
                    )
                )
            )
        )
        blocks.append(
            ActionsBlock(
                block_id=f"register:{account.id}",
                elements=[
                    ButtonElement(text="Change lead", action_id=CHANGE_LEAD, value=str(account.id)),
                    ButtonElement(text="Close or hand over", action_id=CLOSE_ACCOUNT, value=str(account.id)),
                ],
            )
        )
    return [b.to_dict() for b in blocks]
