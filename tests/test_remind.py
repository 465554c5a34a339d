"""`qaplan remind` as a user runs it: one message per owner in the owner's language, as
Markdown, as .eml drafts, and sent to a real SMTP server started here."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, write

from qaplan.mail import draft_names
from qaplan.reports.remind import owner_language

AS_OF = "2025-03-01"

CONFIG = """\
schema: qaplan/v1
language: sv
owners:
  PD: {{name: Programdirektör, email: pd@example.se}}
  SL: {{name: Studieleder, email: refuse-sl@example.no}}
  QA: {{name: Quality office, email: qa@example.org}}
  KA: {{name: Kursansvarig}}
smtp: {{host: 127.0.0.1, port: {port}, starttls: false, from: Kvalitet <kvalitet@example.se>}}
"""


def plan(plan_id: str, language: str, activities: str) -> str:
    return f"""\
schema: qaplan/v1
plan: {{id: {plan_id}, title: Plan {plan_id}, language: {language}}}
criteria:
  - id: C1
    title: Criterion
    goals:
      - id: C1.G1
        title: Goal
        activities:
{activities}"""


SWEDISH = plan("lakare", "sv", """\
          - {id: A1, title: Analysera kursvärderingar, start: 2023, end: 2024, owners: [PD],
             status: {2024: {state: ongoing}}}
          - {id: A2, title: Revidera kursplaner, start: 2024, end: 2025-03-20, owners: [PD, KA]}
          - {id: A3, title: Redan klar, start: 2023, end: 2024, owners: [PD],
             status: {2024: {state: done}}}
          - {id: A4, title: Långt fram, start: 2025, end: 2025-12-31, owners: [PD]}
          - {id: A5, title: Utan ansvarig, start: 2023, end: 2024}
""")
NORWEGIAN = plan("sykepleie", "nb", """\
          - {id: T1, title: Evaluere praksis, start: 2024, end: 2025-01-31, owners: [SL]}
""")
ENGLISH = plan("msc", "en", """\
          - {id: E1, title: Survey the alumni, start: 2024, end: 2025-03-20, owners: [QA]}
""")
CASE = """\
schema: qaplan/v1
deviation:
  id: AV-2025-001
  title: Lokalen saknar ventilation
  reported: 2025-01-10
  category: learning-environment-physical
  state: in-progress
  measures:
    - {id: M1, title: Byt fläkt, owner: PD, deadline: 2025-02-15, state: accepted}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def reminders(repo: Path) -> Path:
    """Owners with plans in Swedish (PD, KA), Norwegian (SL) and English (QA), and a case."""
    write(repo / "qaplan.yaml", CONFIG.format(port=free_port()))
    write(repo / "plans/lakare.yaml", SWEDISH)
    write(repo / "plans/sykepleie.yaml", NORWEGIAN)
    write(repo / "plans/msc.yaml", ENGLISH)
    write(repo / "deviations/AV-2025-001.yaml", CASE)
    return repo


def smtp_port(repo: Path) -> int:
    text = (repo / "qaplan.yaml").read_text(encoding="utf-8")
    return int(text.split("port: ")[1].split(",")[0])


# --- Markdown on stdout ---------------------------------------------------------------------------


def test_one_message_per_owner_in_the_owners_language(reminders: Path) -> None:
    result = run_cli("remind", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    messages = dict(part.split("\n", 1) for part in result.stdout.split("\n---\n\n"))
    assert len(messages) == 4
    pd = messages["# Påminnelse från kvalitetsplanerna – försenat: 2, klart inom 28 dagar: 1"]
    assert "To: PD – Programdirektör <pd@example.se>" in pd
    assert "Hej Programdirektör!" in pd
    assert "## Försenat (2)" in pd and "## Ska vara klart inom 28 dagar (1)" in pd
    # Most overdue first; a deviation measure beside the plan's activity, named by its case.
    assert pd.index("**lakare A1**") < pd.index("**ärende AV-2025-001, åtgärd M1**: Byt fläkt")
    assert ("- **lakare A1**: Analysera kursvärderingar – klart senast 2024-12-31 (2024), "
            "för 60 dagar sedan") in pd
    assert "- **lakare A2**: Revidera kursplaner – klart senast 2025-03-20, om 19 dagar" in pd
    assert "Redan klar" not in pd and "Långt fram" not in pd
    sl = messages["# Påminnelse fra kvalitetsplanene – over fristen: 1"]
    assert "Hei Studieleder!" in sl and "## Over fristen (1)" in sl
    assert "- **sykepleie T1**: Evaluere praksis – frist 2025-01-31, for 29 dager siden" in sl
    qa = messages["# Reminder from the quality plans – due within 28 days: 1"]
    assert "Hello Quality office," in qa and "## Due within 28 days (1)" in qa
    assert "- **msc E1**: Survey the alumni – due 2025-03-20, in 19 days" in qa
    ka = messages["# Påminnelse från kvalitetsplanerna – klart inom 28 dagar: 1"]
    assert "To: KA – Kursansvarig (no e-mail address)" in ka
    assert "1 item without an owner is in no reminder" in result.stderr


def test_within_and_owner_narrow_the_reminders(reminders: Path) -> None:
    result = run_cli("remind", "--as-of", AS_OF, "--within", "7", "--owner", "pd")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Påminnelse från kvalitetsplanerna – försenat: 2\n")
    assert "Revidera kursplaner" not in result.stdout and "Studieleder" not in result.stdout
    unknown = run_cli("remind", "--as-of", AS_OF, "--owner", "XX")
    assert unknown.exit_code == 2 and "--owner" in unknown.stderr


def test_nothing_to_remind_is_said_on_stderr(reminders: Path) -> None:
    result = run_cli("remind", "--as-of", "2020-01-01", "--within", "0")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "nothing overdue or due within 0 days as of 2020-01-01" in result.stderr


def test_an_owner_with_plans_in_two_languages_gets_the_language_of_most(reminders: Path) -> None:
    write(reminders / "plans/msc.yaml", ENGLISH.replace("owners: [QA]", "owners: [QA, PD]"))
    result = run_cli("remind", "--as-of", AS_OF, "--owner", "PD")
    assert result.stdout.startswith("# Påminnelse från kvalitetsplanerna")
    assert "- **msc E1**: Survey the alumni – klart senast 2025-03-20, om 19 dagar" in result.stdout
    assert "the items come from files in en, sv; the reminder is in sv" in result.stderr


def test_owner_language_is_the_most_common_then_the_most_overdue() -> None:
    assert owner_language(["en", "sv", "sv"]) == "sv"
    assert owner_language(["nb", "en"]) == "nb"
    assert owner_language(["en", "nb", "nb", "en"]) == "en"


# --- .eml drafts ---------------------------------------------------------------------------------


def read_mail(path: Path) -> Any:
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


def test_drafts_are_rfc_5322_messages_that_read_back(reminders: Path) -> None:
    result = run_cli("remind", "--as-of", AS_OF, "-o", "drafts")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (reminders / "drafts").iterdir()) == [
        "KA.eml", "PD.eml", "QA.eml", "SL.eml"]
    assert "wrote drafts/PD.eml: PD – Programdirektör <pd@example.se>" in result.stdout
    raw = (reminders / "drafts/PD.eml").read_bytes()
    assert raw.isascii()  # every header and the body encoded for any mail system
    mail = read_mail(reminders / "drafts/PD.eml")
    assert mail["Subject"] == "Påminnelse från kvalitetsplanerna – försenat: 2, klart inom 28 dagar: 1"
    assert mail["To"].addresses[0].addr_spec == "pd@example.se"
    assert mail["To"].addresses[0].display_name == "Programdirektör"
    assert mail["From"].addresses[0].addr_spec == "kvalitet@example.se"
    assert parsedate_to_datetime(mail["Date"]).tzinfo is not None
    assert mail["Message-ID"].startswith("<") and mail["Message-ID"].endswith("@example.se>")
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert "Byt fläkt" in mail.get_content()
    assert mail.defects == []


def test_a_draft_for_an_owner_without_an_address_has_no_to(reminders: Path) -> None:
    result = run_cli("remind", "--as-of", AS_OF, "-o", "drafts", "--owner", "KA")
    assert result.exit_code == 0, result.stderr
    mail = read_mail(reminders / "drafts/KA.eml")
    assert mail["To"] is None
    assert mail["Subject"] == "Påminnelse från kvalitetsplanerna – klart inom 28 dagar: 1"
    assert ("drafts/KA.eml is a draft without a recipient: KA – Kursansvarig has no email"
            in result.stderr)


def test_drafts_are_never_replaced_without_force(reminders: Path) -> None:
    write(reminders / "drafts/PD.eml", "edited by hand\n")
    result = run_cli("remind", "--as-of", AS_OF, "-o", "drafts")
    assert result.exit_code == 2
    assert "drafts/PD.eml: exists; replace with --force" in result.stderr
    assert sorted(p.name for p in (reminders / "drafts").iterdir()) == ["PD.eml"]
    assert (reminders / "drafts/PD.eml").read_text() == "edited by hand\n"
    forced = run_cli("remind", "--as-of", AS_OF, "-o", "drafts", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert read_mail(reminders / "drafts/PD.eml")["To"].addresses[0].addr_spec == "pd@example.se"


def test_draft_file_names_are_safe_and_distinct() -> None:
    names = draft_names(["PD", "pd", "a/b", ".hidden"])
    assert names["PD"] == "PD.eml"
    assert len(set(names.values())) == 4
    assert all("/" not in name and not name.startswith(".") for name in names.values())


# --- sending through a local SMTP server -----------------------------------------------------------


class Handler:
    """Accepts every recipient but those starting with `refuse`, which get a 550."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:
        if address.startswith("refuse"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


@pytest.fixture
def server(reminders: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Handler]:
    controller_module = pytest.importorskip("aiosmtpd.controller")
    monkeypatch.delenv("QAPLAN_SMTP_USER", raising=False)
    monkeypatch.delenv("QAPLAN_SMTP_PASSWORD", raising=False)
    handler = Handler()
    controller = controller_module.Controller(handler, hostname="127.0.0.1",
                                              port=smtp_port(reminders))
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


def test_send_delivers_each_and_reports_the_refused_one(server: Handler) -> None:
    result = run_cli("remind", "--as-of", AS_OF, "--send")
    assert result.exit_code == 1
    delivered = {tuple(rcpt): BytesParser(policy=policy.default).parsebytes(data)
                 for rcpt, data in server.received}
    assert sorted(delivered) == [("pd@example.se",), ("qa@example.org",)]
    assert delivered[("qa@example.org",)]["Subject"] == (
        "Reminder from the quality plans – due within 28 days: 1")
    assert "Survey the alumni" in delivered[("qa@example.org",)].get_content()
    assert "sent to PD – Programdirektör <pd@example.se>: Påminnelse" in result.stdout
    assert "sent to QA – Quality office <qa@example.org>" in result.stdout
    assert "not sent to SL – Studieleder <refuse-sl@example.no>: the server refused " \
           "refuse-sl@example.no: 550" in result.stderr
    assert "not sent to KA – Kursansvarig: no email in an owners directory" in result.stderr
    assert "2 of 4 reminders not sent" in result.stderr


def test_all_delivered_is_exit_0(server: Handler) -> None:
    result = run_cli("remind", "--as-of", AS_OF, "--send", "--owner", "PD", "--owner", "QA")
    assert result.exit_code == 0, result.stderr
    assert len(server.received) == 2


def test_dry_run_sends_nothing(server: Handler) -> None:
    result = run_cli("remind", "--as-of", AS_OF, "--send", "--dry-run", "--owner", "PD")
    assert result.exit_code == 0, result.stderr
    assert server.received == []
    assert result.stdout.splitlines() == [
        f"would connect to 127.0.0.1:{smtp_port(Path.cwd())} (no encryption) without a login",
        ("would send to PD – Programdirektör <pd@example.se>: Påminnelse från kvalitetsplanerna – "
         "försenat: 2, klart inom 28 dagar: 1"),
    ]


def test_no_server_listening_is_exit_2_and_nothing_sent(reminders: Path) -> None:
    result = run_cli("remind", "--as-of", AS_OF, "--send")
    assert result.exit_code == 2
    assert f"cannot deliver through 127.0.0.1:{smtp_port(reminders)}" in result.stderr
    assert "nothing was sent" in result.stderr


def test_send_needs_smtp_in_qaplan_yaml(reminders: Path) -> None:
    text = (reminders / "qaplan.yaml").read_text(encoding="utf-8")
    write(reminders / "qaplan.yaml", "\n".join(line for line in text.splitlines()
                                               if not line.startswith("smtp:")) + "\n")
    result = run_cli("remind", "--as-of", AS_OF, "--send")
    assert result.exit_code == 2
    assert "no smtp: in qaplan.yaml" in result.stderr


def test_options_that_do_not_go_together(reminders: Path) -> None:
    assert run_cli("remind", "--dry-run").exit_code == 2
    assert run_cli("remind", "--send", "-o", "drafts").exit_code == 2


def test_a_login_never_crosses_the_network_unencrypted(
    reminders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (reminders / "qaplan.yaml").read_text(encoding="utf-8")
    write(reminders / "qaplan.yaml", text.replace("host: 127.0.0.1", "host: smtp.example.se"))
    monkeypatch.setenv("QAPLAN_SMTP_USER", "robot")
    monkeypatch.setenv("QAPLAN_SMTP_PASSWORD", "secret")
    result = run_cli("remind", "--as-of", AS_OF, "--send", "--dry-run")
    assert result.exit_code == 2
    assert "unencrypted" in result.stderr and "secret" not in result.stderr
    monkeypatch.delenv("QAPLAN_SMTP_PASSWORD")
    half = run_cli("remind", "--as-of", AS_OF, "--send", "--dry-run")
    assert half.exit_code == 2 and "QAPLAN_SMTP_PASSWORD is not set" in half.stderr


# --- qaplan.yaml: addresses, the server, no credentials --------------------------------------------


def test_a_password_in_qaplan_yaml_is_refused_with_the_environment_named(repo: Path) -> None:
    write(repo / "qaplan.yaml", """\
        schema: qaplan/v1
        smtp:
          host: smtp.example.se
          from: kvalitet@example.se
          password: hunter2
        """)
    write(repo / "plans/p.yaml", plan("p", "en", "          - {title: A}\n"))
    result = run_cli("validate")
    assert result.exit_code == 1
    assert "qaplan.yaml:5:3: error QP101 unknown key 'password' (the login comes from the " \
           "environment, QAPLAN_SMTP_USER and QAPLAN_SMTP_PASSWORD" in result.stdout
    assert "hunter2" not in result.stdout


def test_smtp_fields_are_checked(repo: Path) -> None:
    write(repo / "qaplan.yaml", """\
        schema: qaplan/v1
        owners: {PD: {name: P, email: not an address}}
        smtp: {host: smtp.example.se, port: 70000, starttls: "yes", from: kvalitet@example.se}
        """)
    write(repo / "plans/p.yaml", plan("p", "en", "          - {title: A}\n"))
    result = run_cli("validate")
    assert result.exit_code == 1
    assert "qaplan.yaml:2:31: error QP100 email: 'not an address' is not allowed: an e-mail " \
           "address such as kvalitet@example.se" in result.stdout
    assert "port: input should be less than or equal to 65535" in result.stdout
    assert "starttls: expected true or false, got 'yes'" in result.stdout


def test_an_owners_address_is_not_personal_data_but_one_in_a_note_is(repo: Path) -> None:
    write(repo / "plans/p.yaml", """\
        schema: qaplan/v1
        plan: {id: p, title: P}
        owners:
          PD: {name: Programdirektör, email: pd@example.se}
        criteria:
          - title: C
            goals:
              - title: G
                activities:
                  - title: A
                    owners: [PD]
                    status: {2024: {state: ongoing, note: Fråga anna.svensson@example.se}}
        """)
    result = run_cli("validate", "--as-of", AS_OF)
    assert "QP301" in result.stdout
    assert result.stdout.count("QP301") == 1
    assert "plans/p.yaml:12:51: warning QP301 personal data: e-mail address 'a***@example.se'" \
        in result.stdout


# --- qaplan init --reminders ------------------------------------------------------------------------

REMINDER_WORKFLOW = ".github/workflows/qaplan-reminders.yml"


def test_init_writes_the_weekly_reminder_job_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    plain = run_cli("init", "plain")
    assert plain.exit_code == 0 and not (tmp_path / "plain" / REMINDER_WORKFLOW).exists()
    result = run_cli("init", "--reminders", "--source", "qaplan==0.1.0", "repo")
    assert result.exit_code == 0, result.stderr
    assert f"wrote repo/{REMINDER_WORKFLOW}" in result.stdout.splitlines()
    from ruamel.yaml import YAML  # YAML 1.2, as GitHub reads it: `on:` is a key

    workflow = YAML(typ="safe").load((tmp_path / "repo" / REMINDER_WORKFLOW).read_text())
    assert workflow["on"]["schedule"] == [{"cron": "0 6 * * 1"}]
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["env"]["QAPLAN_PACKAGE"] == "qaplan==0.1.0"
    send = workflow["jobs"]["remind"]["steps"][-1]
    assert send["run"] == "qaplan remind --send --within 28 --skip-invalid"
    assert send["env"] == {"QAPLAN_SMTP_USER": "${{ secrets.QAPLAN_SMTP_USER }}",
                           "QAPLAN_SMTP_PASSWORD": "${{ secrets.QAPLAN_SMTP_PASSWORD }}"}


def test_the_reminder_job_matches_the_github_workflow_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """check-jsonschema ships the schema of GitHub workflows (skipped without it)."""
    pytest.importorskip("check_jsonschema")
    jsonschema = pytest.importorskip("jsonschema")
    import json
    from importlib.resources import files

    from ruamel.yaml import YAML

    monkeypatch.chdir(tmp_path)
    assert run_cli("init", "--reminders", "repo").exit_code == 0
    vendor = files("check_jsonschema").joinpath("builtin_schemas", "vendor", "github-workflows.json")
    validator = jsonschema.Draft7Validator(json.loads(vendor.read_text(encoding="utf-8")))
    document = YAML(typ="safe").load((tmp_path / "repo" / REMINDER_WORKFLOW).read_text())
    assert [error.message for error in validator.iter_errors(document)] == []


def test_an_address_that_cannot_go_into_a_header_stops_drafts_and_skips_one_send(
    server: Handler, reminders: Path
) -> None:
    config = (reminders / "qaplan.yaml").read_text(encoding="utf-8")
    write(reminders / "qaplan.yaml", config.replace("qa@example.org", "q..a@example.org"))
    drafts = run_cli("remind", "--as-of", AS_OF, "-o", "drafts")
    assert drafts.exit_code == 2
    assert "QA – Quality office <q..a@example.org>: cannot write the message" in drafts.stderr
    assert not (reminders / "drafts").exists()
    sent = run_cli("remind", "--as-of", AS_OF, "--send", "--owner", "PD", "--owner", "QA")
    assert sent.exit_code == 1
    assert [rcpt for rcpt, _ in server.received] == [["pd@example.se"]]
    assert "not sent to QA – Quality office <q..a@example.org>: cannot write" in sent.stderr


def test_the_login_comes_from_the_environment(
    reminders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    controller_module = pytest.importorskip("aiosmtpd.controller")
    smtp = pytest.importorskip("aiosmtpd.smtp")
    logins: list[tuple[Any, Any]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                      data: Any) -> Any:
        logins.append((data.login, data.password))
        return smtp.AuthResult(success=True)

    handler = Handler()
    controller = controller_module.Controller(
        handler, hostname="127.0.0.1", port=smtp_port(reminders), authenticator=authenticator,
        auth_require_tls=False)  # the server is this machine: qaplan allows a plain login
    controller.start()
    try:
        monkeypatch.setenv("QAPLAN_SMTP_USER", "robot")
        monkeypatch.setenv("QAPLAN_SMTP_PASSWORD", "s3cret")
        sent = run_cli("remind", "--as-of", AS_OF, "--send", "--owner", "PD")
    finally:
        controller.stop()
    assert sent.exit_code == 0, sent.stderr
    assert [(bytes(login), bytes(password)) for login, password in logins] == [
        (b"robot", b"s3cret")]
    assert [rcpt for rcpt, _ in handler.received] == [["pd@example.se"]]
