//! Timeline17 through the real readers and pipeline: every article is
//! dated from its folder (`InputDocs/<YYYY-MM-DD>/n.htm.txt`).

#[test]
fn every_timeline17_article_is_dated_from_its_folder() {
    let report = storyline::eval::run("dating", &storyline::eval::datasets_dir()).unwrap();
    let get = |name| report.get(name).unwrap();
    assert!(get("articles") > 3000.0, "{report}");
    assert_eq!(get("dated"), 1.0, "{report}");
    assert_eq!(get("dated_from_folder"), 1.0, "{report}");
    // The files that give no article are empty or hold only a graphic credit.
    assert!(get("not_ingested") < 30.0, "{report}");
}
