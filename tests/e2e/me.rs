//! `/me`: time zone, stage, show, delete.

use emig_bot::domain::{Stage, UserId};

use crate::support::{TestBot, MEMBER_A, MEMBER_B};

#[tokio::test]
async fn timezone_is_saved_and_survives_a_restart() {
    let bot = TestBot::start().await;
    let reply = bot
        .run_command("me timezone", [("zone", "Europe/Berlin")])
        .await;
    assert!(reply.ephemeral, "{reply:?}");
    assert!(
        reply.content.contains("**Europe/Berlin**"),
        "{}",
        reply.content
    );
    let member = bot.store.member(UserId(MEMBER_A)).await.expect("read");
    assert_eq!(member.timezone.map(|z| z.name()), Some("Europe/Berlin"));

    let bot = bot.restart().await;
    let shown = bot.run_command::<&str>("me show", []).await;
    assert!(
        shown.content.contains("**Europe/Berlin**"),
        "{}",
        shown.content
    );
}

#[tokio::test]
async fn timezone_accepts_any_letter_case() {
    let bot = TestBot::start().await;
    bot.run_command("me timezone", [("zone", "america/chicago")])
        .await;
    let member = bot.store.member(UserId(MEMBER_A)).await.expect("read");
    assert_eq!(member.timezone.map(|z| z.name()), Some("America/Chicago"));
}

#[tokio::test]
async fn unknown_timezone_is_refused_and_changes_nothing() {
    let bot = TestBot::start().await;
    bot.run_command("me timezone", [("zone", "America/Chicago")])
        .await;
    let reply = bot
        .run_command("me timezone", [("zone", "Mars/Olympus_Mons")])
        .await;
    assert!(reply.ephemeral);
    assert!(
        reply.content.contains("not a time zone I know"),
        "{}",
        reply.content
    );
    assert!(
        reply.content.contains("Europe/Berlin"),
        "names an example: {}",
        reply.content
    );
    let member = bot.store.member(UserId(MEMBER_A)).await.expect("read");
    assert_eq!(member.timezone.map(|z| z.name()), Some("America/Chicago"));
}

#[tokio::test]
async fn timezone_autocomplete_offers_matching_zones() {
    let bot = TestBot::start().await;
    let choices = bot
        .member(MEMBER_A)
        .autocomplete("me timezone", [("zone", "berl")], "zone")
        .await;
    assert_eq!(
        choices.first().map(|(n, _)| n.as_str()),
        Some("Europe/Berlin")
    );

    let choices = bot
        .member(MEMBER_A)
        .autocomplete("me timezone", [("zone", "america")], "zone")
        .await;
    assert_eq!(choices.len(), 25, "Discord shows at most 25");
    assert!(choices
        .iter()
        .all(|(n, v)| n == v && n.starts_with("America/")));

    let none = bot
        .member(MEMBER_A)
        .autocomplete("me timezone", [("zone", "qqqq")], "zone")
        .await;
    assert!(none.is_empty());
}

#[tokio::test]
async fn stage_is_chosen_from_a_list_and_shown() {
    let bot = TestBot::start().await;
    let m3 = bot.choice("me stage", "stage", "M3 (third-year medical student)");
    let reply = bot.run_command("me stage", [("stage", m3)]).await;
    assert!(reply.ephemeral);
    assert!(reply.content.contains("M3"), "{}", reply.content);
    let member = bot.store.member(UserId(MEMBER_A)).await.expect("read");
    assert_eq!(member.stage, Some(Stage::M3));
    let shown = bot.run_command::<&str>("me show", []).await;
    assert!(
        shown.content.contains("M3 (third-year"),
        "{}",
        shown.content
    );
}

#[tokio::test]
async fn show_uses_the_default_zone_until_one_is_set_and_works_in_dms() {
    let bot = TestBot::start().await;
    let shown = bot
        .member(MEMBER_B)
        .in_dm()
        .run_command::<&str>("me show", [])
        .await;
    assert!(shown.ephemeral);
    assert!(
        shown
            .content
            .contains("not set — using **America/New_York**"),
        "{}",
        shown.content
    );
    assert!(
        shown
            .content
            .contains("Chapters (servers where you used me): 0"),
        "{}",
        shown.content
    );
}

#[tokio::test]
async fn one_member_settings_never_touch_another() {
    let bot = TestBot::start().await;
    bot.member(MEMBER_A)
        .run_command("me timezone", [("zone", "Asia/Tokyo")])
        .await;
    bot.member(MEMBER_B)
        .run_command("me timezone", [("zone", "Europe/Paris")])
        .await;
    let a = bot.store.member(UserId(MEMBER_A)).await.expect("read");
    let b = bot.store.member(UserId(MEMBER_B)).await.expect("read");
    assert_eq!(a.timezone.map(|z| z.name()), Some("Asia/Tokyo"));
    assert_eq!(b.timezone.map(|z| z.name()), Some("Europe/Paris"));
    let shown_b = bot
        .member(MEMBER_B)
        .run_command::<&str>("me show", [])
        .await;
    assert!(
        !shown_b.content.contains("Asia/Tokyo"),
        "{}",
        shown_b.content
    );
}

#[tokio::test]
async fn delete_asks_first_and_only_the_owner_can_confirm() {
    let bot = TestBot::start().await;
    bot.run_command("me timezone", [("zone", "Europe/Berlin")])
        .await;
    let ask = bot.run_command::<&str>("me delete", []).await;
    assert!(ask.ephemeral);
    let confirm = ask.button("Delete everything");
    let cancel = ask.button("Cancel");

    let stranger = bot.member(MEMBER_B).click(&confirm).await;
    assert!(stranger.ephemeral);
    assert!(
        stranger.content.contains("someone else's"),
        "{}",
        stranger.content
    );
    assert!(bot
        .store
        .member(UserId(MEMBER_A))
        .await
        .expect("read")
        .timezone
        .is_some());

    let cancelled = bot.member(MEMBER_A).click(&cancel).await;
    assert_eq!(cancelled.kind, 7, "the question is replaced: {cancelled:?}");
    assert!(cancelled.content.contains("Nothing was deleted"));
    assert!(bot
        .store
        .member(UserId(MEMBER_A))
        .await
        .expect("read")
        .timezone
        .is_some());

    let done = bot.member(MEMBER_A).click(&confirm).await;
    assert_eq!(done.kind, 7);
    assert!(done.buttons().is_empty(), "buttons removed: {done:?}");
    let member = bot.store.member(UserId(MEMBER_A)).await.expect("read");
    assert_eq!(member.timezone, None);
    assert!(bot
        .store
        .chapters_of(UserId(MEMBER_A))
        .await
        .expect("read")
        .is_empty());
}

#[tokio::test]
async fn a_member_without_a_time_zone_is_told_once_which_one_is_assumed() {
    let bot = TestBot::start().await;
    let notice = |r: &crate::support::Reply| r.content.contains("until you set your own time zone");
    let (first, more) = bot
        .member(crate::support::MEMBER_A)
        .run_command_then::<&str>("network", [], 1)
        .await;
    assert!(!notice(&first));
    assert!(more.iter().any(notice), "{more:?}");
    assert!(more.iter().all(|r| r.ephemeral && r.pings_nobody()));
    // Only once.
    bot.run_command::<&str>("network", []).await;
    bot.run_command::<&str>("followup list", []).await;
    let told = bot
        .fake
        .calls()
        .iter()
        .filter(|c| {
            c.body["content"]
                .as_str()
                .is_some_and(|t| t.contains("until you set your own time zone"))
        })
        .count();
    assert_eq!(told, 1);
    // Someone who sets their zone first is never told.
    let (set, after) = bot
        .member(crate::support::MEMBER_B)
        .run_command_then("me timezone", [("zone", "Europe/Berlin")], 0)
        .await;
    assert!(set.content.contains("Europe/Berlin"), "{}", set.content);
    assert!(after.is_empty());
    bot.member(crate::support::MEMBER_B)
        .run_command::<&str>("help", [])
        .await;
    let told = bot
        .fake
        .calls()
        .iter()
        .filter(|c| {
            c.body["content"]
                .as_str()
                .is_some_and(|t| t.contains("until you set your own time zone"))
        })
        .count();
    assert_eq!(told, 1);
}

/// Every integer cell of every table that equals `id`, as "table.column".
async fn cells_naming(db_url: &str, id: u64) -> Vec<String> {
    let db = crate::support::db::Db::open(db_url).await;
    let mut found = Vec::new();
    for table in db.tables().await {
        for (name, integer) in db.columns(&table).await {
            if !integer {
                continue;
            }
            let n = db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM {table} WHERE {name} = {}",
                    id as i64
                ))
                .await;
            if n > 0 {
                found.push(format!("{table}.{name}"));
            }
        }
    }
    db.close().await;
    found
}

#[tokio::test]
async fn after_erasure_no_table_holds_the_members_id() {
    use crate::support::interactions::PERM_MANAGE_GUILD;
    let bot = TestBot::start().await;
    let a = bot
        .member(MEMBER_A)
        .with_permissions(crate::support::interactions::MEMBER_PERMISSIONS | PERM_MANAGE_GUILD);
    // A is an officer who touched every corner of the bot.
    a.run_command(
        "chapter setup",
        [
            (
                "officer-role",
                crate::support::OptValue::Role(810_000_000_000_000_001),
            ),
            (
                "fallback-channel",
                crate::support::OptValue::Channel(820_000_000_000_000_001, 0),
            ),
        ],
    )
    .await;
    a.run_command(
        "conference add",
        [
            ("name", "SAEM"),
            ("starts", "2027-05-12"),
            ("ends", "2027-05-15"),
            ("city", "Atlanta"),
        ],
    )
    .await;
    a.run_command("conference share", [("conference", "SAEM")])
        .await;
    a.run_command(
        "contact add",
        [("name", "Dr. Ana Lopez"), ("institution", "Hospital Y")],
    )
    .await;
    a.run_command("letter ask", [("contact", "Dr. Ana Lopez")])
        .await;
    a.run_command("program add", [("name", "Hospital Y EM")])
        .await;
    a.run_command("fair create", [("date", "2027-05-13"), ("name", "Fair")])
        .await;
    a.run_command("fair program", [("name", "Hospital Y EM")])
        .await;
    a.run_command("fair interest", [("program", "Hospital Y EM")])
        .await;
    a.run_command(
        "fair question add",
        [
            (
                "audience",
                bot.choice("fair question add", "audience", "Residents"),
            ),
            (
                "text",
                crate::support::OptValue::from("How are nights scheduled?"),
            ),
        ],
    )
    .await;
    a.run_command(
        "season set",
        [
            (
                "milestone",
                bot.choice("season set", "milestone", "Rank list deadline"),
            ),
            ("date", crate::support::OptValue::from("2027-03-01")),
        ],
    )
    .await;
    assert!(!cells_naming(&bot.db_url, MEMBER_A).await.is_empty());

    let ask = a.run_command::<&str>("me delete", []).await;
    let done = a.click(&ask.button("Delete everything")).await;
    assert!(done.content.starts_with("Done"), "{}", done.content);
    assert_eq!(
        cells_naming(&bot.db_url, MEMBER_A).await,
        Vec::<String>::new()
    );
    // What A authored for the chapter stays with it.
    assert_eq!(
        bot.store
            .conferences(
                emig_bot::domain::GuildId(crate::support::interactions::GUILD_ID),
                "2026-01-01".parse().expect("date"),
                10
            )
            .await
            .expect("read")
            .len(),
        1
    );
}

#[tokio::test]
async fn a_message_waiting_to_be_saved_as_a_note_is_gone_after_fifteen_minutes() {
    let bot = TestBot::start().await;
    bot.run_command("contact add", [("name", "Dr. Ana Lopez")])
        .await;
    let ask = bot
        .member(MEMBER_A)
        .message_menu("Save as contact note", "Private words from a channel")
        .await;
    let (select_id, options) = ask.select_menu();
    let ana = options
        .iter()
        .find(|(label, _)| label.contains("Ana"))
        .map(|(_, value)| value.clone())
        .expect("Ana offered");
    bot.clock.advance(chrono::Duration::minutes(16));
    let db_url = bot.db_url.clone();
    crate::support::bot::eventually("the pending note is trimmed", || {
        let db_url = db_url.clone();
        async move {
            let db = crate::support::db::Db::open(&db_url).await;
            let n = db.scalar("SELECT COUNT(*) FROM pending_notes").await;
            db.close().await;
            n == 0
        }
    })
    .await;
    let late = bot.member(MEMBER_A).select(&select_id, &[&ana]).await;
    assert!(late.content.contains("expired"), "{}", late.content);
}

#[tokio::test]
async fn the_delivery_log_keeps_a_year_and_never_a_digest_still_being_sent() {
    let bot = TestBot::start().await;
    bot.run_command::<&str>("me show", []).await;
    let db = crate::support::db::Db::open(&bot.db_url).await;
    let now = crate::support::bot::test_start().timestamp();
    let day = 86_400;
    for (nonce, state, age_days) in [
        ("old-sent", "sent", 400),
        ("old-failed", "failed", 400),
        ("old-sending", "sending", 400),
        ("recent-sent", "sent", 300),
    ] {
        db.execute(&format!(
            "INSERT INTO digests (owner_id, nonce, state, created_at)
             VALUES ({}, '{nonce}', '{state}', {})",
            MEMBER_A as i64,
            now - age_days * day
        ))
        .await;
    }
    // The nudge loop trims too; whichever pass runs, the outcome is the same.
    bot.store
        .apply_retention(crate::support::bot::test_start())
        .await
        .expect("trim");
    let left: Vec<String> = crate::on_pool!(&db.pool, |c| sqlx::query_scalar(
        "SELECT nonce FROM digests ORDER BY nonce"
    )
    .fetch_all(c)
    .await)
    .expect("read");
    assert_eq!(left, vec!["old-sending", "recent-sent"]);
}

#[tokio::test]
async fn privacy_names_the_operator_and_the_retention_periods() {
    let bot = TestBot::start_with(&[(
        "EMIG_PRIVACY_OPERATOR",
        "The EMIG at State, officers@example.edu",
    )])
    .await;
    let notice = bot
        .member(MEMBER_A)
        .in_dm()
        .run_command::<&str>("privacy", [])
        .await;
    assert!(notice.ephemeral);
    assert!(
        notice
            .content
            .contains("**Who runs this bot.** The EMIG at State, officers\\@example.edu"),
        "{}",
        notice.content
    );
    assert!(
        notice.content.contains("15 minutes at most"),
        "{}",
        notice.content
    );
    assert!(notice.content.contains("365 days"), "{}", notice.content);
    for command in ["`/me delete`", "`/me export`", "`/me import`"] {
        assert!(
            notice.content.contains(command),
            "{command}: {}",
            notice.content
        );
    }
}

#[tokio::test]
async fn the_delete_confirmation_expires_after_two_minutes() {
    let bot = TestBot::start().await;
    bot.run_command("contact add", [("name", "Dr. Ana Lopez")])
        .await;
    let ask = bot.run_command::<&str>("me delete", []).await;
    bot.clock.advance(chrono::Duration::minutes(3));
    let late = bot
        .member(MEMBER_A)
        .click(&ask.button("Delete everything"))
        .await;
    assert!(late.content.contains("expired"), "{}", late.content);
    // Nothing was erased.
    let found = bot
        .run_command("contact show", [("contact", "Dr. Ana Lopez")])
        .await;
    assert!(found.content.contains("Dr. Ana Lopez"), "{}", found.content);
    let again = bot.run_command::<&str>("me delete", []).await;
    let done = bot
        .member(MEMBER_A)
        .click(&again.button("Delete everything"))
        .await;
    assert!(done.content.starts_with("Done"), "{}", done.content);
}

#[tokio::test]
async fn export_holds_everything_of_the_member_and_nothing_of_anyone_else() {
    let bot = TestBot::start().await;
    bot.run_command(
        "contact add",
        [
            ("name", "Dr. Ana Lopez"),
            ("institution", "Hospital Y"),
            ("phone", "+1 555 0100"),
            ("notes", "=HYPERLINK(\"http://x\")"),
            ("email", "ana@example.org"),
        ],
    )
    .await;
    bot.run_command("letter ask", [("contact", "Dr. Ana Lopez")])
        .await;
    bot.member(MEMBER_B)
        .run_command("contact add", [("name", "Dr. Bee Other")])
        .await;
    let reply = bot.run_command::<&str>("me export", []).await;
    assert!(reply.ephemeral);
    assert!(reply.content.contains("1 contact,"), "{}", reply.content);
    let upload = bot
        .fake
        .calls()
        .into_iter()
        .find(|c| c.files.len() == 3)
        .expect("three files");
    let file = |name: &str| {
        upload
            .files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| String::from_utf8(b.clone()).expect("utf-8"))
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let json: serde_json::Value =
        serde_json::from_str(&file("emig-bot-export.json")).expect("json");
    let tables = &json["tables"];
    assert_eq!(tables["contacts"].as_array().map(Vec::len), Some(1));
    assert_eq!(tables["contacts"][0]["name"], "Dr. Ana Lopez");
    assert_eq!(tables["letters"].as_array().map(Vec::len), Some(1));
    let whole = json.to_string();
    assert!(!whole.contains("Bee Other"), "someone else's data");
    assert!(!whole.contains(&MEMBER_B.to_string()), "someone else's id");

    let csv_text = file("contacts.csv");
    assert!(csv_text.starts_with('\u{feff}'), "UTF-8 with BOM");
    let mut rows = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let headers = rows.headers().expect("headers").clone();
    assert_eq!(&headers[0], "name");
    let row = rows.records().next().expect("a row").expect("valid");
    let cell = |column: &str| {
        let at = headers.iter().position(|h| h == column).expect("column");
        row[at].to_owned()
    };
    assert_eq!(cell("name"), "Dr. Ana Lopez");
    assert_eq!(
        cell("phone"),
        "'+1 555 0100",
        "a spreadsheet reads it as text"
    );
    assert_eq!(
        cell("notes"),
        "'=HYPERLINK(\"http://x\")",
        "never run as a formula"
    );
    let vcf = file("contacts.vcf");
    assert!(
        vcf.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Dr. Ana Lopez\r\n"),
        "{vcf}"
    );
    assert!(vcf.contains("EMAIL:ana@example.org\r\n"), "{vcf}");
}

#[tokio::test]
async fn an_export_too_big_to_attach_comes_as_one_zip_and_never_cut() {
    let bot = TestBot::start().await;
    let note = "Talked about ultrasound fellowships and the SLOE timeline. ".repeat(20);
    for i in 0..30 {
        bot.run_command(
            "contact add",
            [
                ("name", format!("Dr. Person {i}").as_str()),
                ("notes", note.as_str()),
            ],
        )
        .await;
    }
    let limit = 40 * 1024;
    let before = bot.fake.calls().len();
    let reply = bot
        .member(MEMBER_A)
        .with_attachment_limit(limit)
        .run_command::<&str>("me export", [])
        .await;
    assert!(reply.ephemeral);
    assert!(reply.content.contains("one zip file"), "{}", reply.content);
    let upload = bot.fake.calls()[before..]
        .iter()
        .find(|c| !c.files.is_empty())
        .cloned()
        .expect("an upload");
    assert_eq!(upload.files.len(), 1);
    let (name, bytes) = &upload.files[0];
    assert_eq!(name, "emig-bot-export.zip");
    assert!(bytes.len() as u64 <= limit, "{} bytes", bytes.len());
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).expect("a zip archive");
    let mut total = 0;
    for file in ["emig-bot-export.json", "contacts.csv", "contacts.vcf"] {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(file).expect(file), &mut text)
            .expect("utf-8");
        total += text.len();
        if file == "contacts.csv" {
            let rows = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes())
                .into_records()
                .count();
            assert_eq!(rows, 30, "every contact, none cut");
            assert!(text.contains(note.trim()), "notes whole");
        }
    }
    assert!(
        total as u64 > limit,
        "the files alone would not fit: {total}"
    );

    // Too big even zipped: refused, nothing attached, never cut.
    let before = bot.fake.calls().len();
    let reply = bot
        .member(MEMBER_A)
        .with_attachment_limit(1024)
        .run_command::<&str>("me export", [])
        .await;
    assert!(reply.content.contains("even zipped"), "{}", reply.content);
    assert!(bot.fake.calls()[before..]
        .iter()
        .all(|c| c.files.is_empty()));
}
