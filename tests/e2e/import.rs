//! `/me import`: a CSV sheet becomes contacts, all or nothing, without a wave of nudges.

use emig_bot::domain::contact::{ContactFilter, ContactSort};
use emig_bot::domain::UserId;

use crate::support::{OptValue, TestBot, MEMBER_A, MEMBER_B};

async fn names(bot: &TestBot, owner: u64) -> Vec<String> {
    let mut names: Vec<String> = bot
        .store
        .list_contacts(
            UserId(owner),
            &ContactFilter::default(),
            ContactSort::Name,
            0,
            u32::MAX,
        )
        .await
        .expect("list")
        .contacts
        .into_iter()
        .map(|c| c.name)
        .collect();
    names.sort();
    names
}

/// Follow-ups and nudges waiting, of every member.
const SCHEDULED: &str = "SELECT (SELECT COUNT(*) FROM follow_ups) + (SELECT COUNT(*) FROM nudges)";

async fn count(bot: &TestBot, sql: &str) -> i64 {
    let db = crate::support::db::Db::open(&bot.db_url).await;
    let n = db.scalar(sql).await;
    db.close().await;
    n
}

/// The member's contacts.csv from `/me export`.
async fn exported_csv(bot: &TestBot, member: u64) -> Vec<u8> {
    let before = bot.fake.calls().len();
    let reply = bot
        .member(member)
        .run_command::<&str>("me export", [])
        .await;
    assert!(reply.ephemeral, "{}", reply.content);
    bot.fake.calls()[before..]
        .iter()
        .find_map(|c| c.files.iter().find(|(n, _)| n == "contacts.csv").cloned())
        .map(|(_, bytes)| bytes)
        .expect("contacts.csv attached")
}

async fn import(bot: &TestBot, member: u64, file: OptValue) -> crate::support::Reply {
    bot.member(member)
        .run_command("me import", [("file", file)])
        .await
}

#[tokio::test]
async fn an_exported_sheet_imports_unchanged_into_another_member_and_schedules_no_follow_ups() {
    let bot = TestBot::start().await;
    for (name, extra) in [
        (
            "Dr. Ana Lopez",
            vec![
                ("institution", "Hospital Y"),
                ("phone", "+1 555 0100"),
                ("notes", "=HYPERLINK(\"http://x\"), then \"quotes\""),
                ("email", "ana@example.org"),
                ("tags", "sim peds"),
            ],
        ),
        (
            "Dr. Émile Zola-Grâce",
            vec![("where-met", "SAEM 2026 residency fair")],
        ),
    ] {
        let mut options = vec![("name", name)];
        options.extend(extra);
        let added = bot.run_command("contact add", options).await;
        assert!(added.content.contains("Saved"), "{}", added.content);
    }
    let nudges_of_a = count(&bot, SCHEDULED).await;
    assert!(nudges_of_a > 0, "adding schedules follow-ups");
    let sheet = exported_csv(&bot, MEMBER_A).await;

    let file = bot.fake.host_file("contacts.csv", sheet.clone());
    let reply = import(&bot, MEMBER_B, file).await;
    assert!(reply.ephemeral);
    assert!(
        reply.content.starts_with("Imported **2** contacts."),
        "{}",
        reply.content
    );
    assert!(reply.content.contains("/followup set"), "{}", reply.content);
    assert_eq!(
        count(&bot, SCHEDULED).await,
        nudges_of_a,
        "an import schedules no nudge"
    );
    assert_eq!(
        exported_csv(&bot, MEMBER_B).await,
        sheet,
        "export → import → export changes nothing, formula guards included"
    );
    assert_eq!(names(&bot, MEMBER_A).await, names(&bot, MEMBER_B).await);

    // The same sheet again: every row is a card B has.
    let again = bot.fake.host_file("contacts.csv", sheet);
    let reply = import(&bot, MEMBER_B, again).await;
    assert!(
        reply
            .content
            .starts_with("Imported **0** contacts. 2 rows were already"),
        "{}",
        reply.content
    );
    assert_eq!(names(&bot, MEMBER_B).await.len(), 2);
}

#[tokio::test]
async fn a_minimal_sheet_imports_with_duplicates_counted_by_email_then_institution() {
    let bot = TestBot::start().await;
    bot.run_command(
        "contact add",
        [
            ("name", "Dr. Ana Lopez"),
            ("email", "ana@mercy.org"),
            ("institution", "Mercy"),
        ],
    )
    .await;
    let sheet = "NAME,Role,Institution,Where met,E-mail\n\
        dr. ana lopez,,County,,ana@mercy.org\n\
        Dr. Ana Lopez,,County,,\n\
        Dr. Ben Ode,Program director,Mercy,SAEM 2026 residency fair,ben@mercy.org\n\
        Dr. Ben Ode,PD,,,\n\
        ,,,,\n\
        Cy Phone,resident,,,\n";
    // "PD" is not a role: the whole sheet is refused first.
    let file = bot.fake.host_file("mine.csv", sheet.as_bytes().to_vec());
    let reply = import(&bot, MEMBER_A, file).await;
    assert!(
        reply
            .content
            .starts_with("Nothing was imported: 1 of 5 rows"),
        "{}",
        reply.content
    );
    assert!(
        reply.content.contains("Row 5: “PD” is not a role"),
        "{}",
        reply.content
    );
    assert_eq!(names(&bot, MEMBER_A).await, vec!["Dr. Ana Lopez"]);

    let fixed = sheet.replace("Dr. Ben Ode,PD,,,", "Dr. Ben Ode,,,,");
    let file = bot.fake.host_file("mine.csv", fixed.into_bytes());
    let reply = import(&bot, MEMBER_A, file).await;
    // Row 2: same email → duplicate although the institution differs. Row 3: no email on one
    // side, institutions differ → a namesake at County, imported. Row 5: the name alone
    // matches row 4's Ben → duplicate.
    assert!(
        reply
            .content
            .starts_with("Imported **3** contacts. 2 rows were already in your list"),
        "{}",
        reply.content
    );
    assert_eq!(
        names(&bot, MEMBER_A).await,
        vec!["Cy Phone", "Dr. Ana Lopez", "Dr. Ana Lopez", "Dr. Ben Ode"]
    );
    let card = bot
        .run_command("contact show", [("contact", "Dr. Ben Ode")])
        .await;
    assert!(
        card.content.contains("Program director"),
        "{}",
        card.content
    );
    assert!(card.content.contains("ben\\@mercy.org"), "{}", card.content);
}

#[tokio::test]
async fn one_bad_row_imports_nothing_and_says_which_and_why() {
    let bot = TestBot::start().await;
    let mut sheet = String::from("name,email,phone\n");
    for i in 0..40 {
        sheet.push_str(&format!("Person {i},p{i}@example.org,+1 555 01{i:02}\n"));
    }
    sheet.push_str("Bad Email,not-an-address,\n");
    let file = bot.fake.host_file("people.csv", sheet.into_bytes());
    let reply = import(&bot, MEMBER_A, file).await;
    assert!(reply.ephemeral);
    assert!(
        reply
            .content
            .starts_with("Nothing was imported: 1 of 41 rows"),
        "{}",
        reply.content
    );
    assert!(
        reply
            .content
            .contains("Row 42: “not\\-an\\-address” is not an email"),
        "{}",
        reply.content
    );
    assert_eq!(count(&bot, "SELECT COUNT(*) FROM contacts").await, 0);
}

#[tokio::test]
async fn a_ten_megabyte_file_is_refused_before_it_is_downloaded() {
    let bot = TestBot::start().await;
    let OptValue::Attachment {
        id, filename, url, ..
    } = bot.fake.host_file("huge.csv", b"name\nAna\n".to_vec())
    else {
        unreachable!()
    };
    let declared = OptValue::Attachment {
        id,
        filename,
        url,
        size: 10 * 1024 * 1024,
    };
    let reply = import(&bot, MEMBER_A, declared).await;
    assert!(reply.ephemeral);
    assert!(
        reply.content.contains("10240 KB") && reply.content.contains("up to 1 MB"),
        "{}",
        reply.content
    );
    assert!(
        bot.fake
            .calls()
            .iter()
            .all(|c| !c.path.starts_with("/attachments/")),
        "nothing downloaded"
    );
    assert_eq!(count(&bot, "SELECT COUNT(*) FROM contacts").await, 0);
}

#[tokio::test]
async fn other_encodings_and_files_that_are_not_csv_get_a_clear_message_and_store_nothing() {
    let bot = TestBot::start().await;
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "latin1.csv",
            b"name,institution\nJos\xe9 Ruiz,H\xf4pital\n".to_vec(),
            "not UTF-8 text (line 2",
        ),
        (
            "book.xlsx",
            b"PK\x03\x04\x14\x00\x06\x00binary".to_vec(),
            "Excel workbook",
        ),
        ("utf16.csv", b"\xff\xfen\x00a\x00".to_vec(), "UTF-16"),
        (
            "notes.csv",
            b"first,last\nAna,Lopez\n".to_vec(),
            "one must be `name`",
        ),
    ];
    for (name, bytes, says) in cases {
        let file = bot.fake.host_file(name, bytes);
        let reply = import(&bot, MEMBER_A, file).await;
        assert!(reply.ephemeral);
        assert!(reply.content.contains(says), "{name}: {}", reply.content);
    }
    assert_eq!(count(&bot, "SELECT COUNT(*) FROM contacts").await, 0);
}

#[tokio::test]
async fn a_file_discord_no_longer_serves_is_a_clear_message() {
    let bot = TestBot::start().await;
    let declared = OptValue::Attachment {
        id: 42,
        filename: "gone.csv".into(),
        url: format!("{}/attachments/1/42/gone.csv", bot.fake.api_base),
        size: 10,
    };
    let reply = import(&bot, MEMBER_B, declared).await;
    assert!(
        reply.content.contains("could not download that file"),
        "{}",
        reply.content
    );
}
