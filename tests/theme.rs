//! Themes: the built-in copy matches `themes/default/`, and a site's own files override it.

mod common;

use std::fs;

use common::*;

#[test]
fn builtin_theme_matches_the_theme_folder() {
    let dir = repo().join("themes/default");
    let on_disk: Vec<String> = tree(&dir).keys().cloned().collect();
    let mut built_in: Vec<String> = briefing::stages::load::theme::BUILTIN.iter().map(|(p, _)| p.to_string()).collect();
    built_in.sort();
    assert_eq!(on_disk, built_in, "add new theme files to theme::BUILTIN");
    for (path, text) in briefing::stages::load::theme::BUILTIN {
        assert_eq!(fs::read_to_string(dir.join(path)).unwrap(), *text);
    }
}

#[test]
fn site_templates_and_static_files_override_the_theme() {
    let (dir, site) = fixture("council");
    fs::create_dir_all(site.join("templates")).unwrap();
    fs::write(
        site.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block main %}<p id=\"custom\">Gone fishing</p>{% endblock main %}",
    )
    .unwrap();
    fs::create_dir_all(site.join("static/img")).unwrap();
    fs::write(site.join("static/style.css"), "body { color: red }").unwrap();
    fs::write(site.join("static/img/logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    let doc = page(&out.join("404.html"));
    assert_eq!(text(doc.select(&sel("#custom")).next().unwrap()), "Gone fishing");
    // The rest of the theme is still there: the override extends the built-in base.
    assert!(doc.select(&sel("link[rel=stylesheet]")).next().is_some());
    assert_eq!(fs::read_to_string(out.join("style.css")).unwrap(), "body { color: red }");
    assert!(out.join("img/logo.svg").is_file());
    assert!(out.join("articles/gazette/index.html").is_file());
}

#[test]
fn a_theme_folder_in_the_site_overrides_the_builtin_one() {
    let (dir, site) = fixture("council");
    copy_dir(&repo().join("themes/default"), &site.join("themes/plain"));
    fs::write(site.join("themes/plain/static/style.css"), "/* plain */").unwrap();
    let cfg = fs::read_to_string(site.join("briefing.toml")).unwrap();
    fs::write(site.join("briefing.toml"), format!("theme = \"plain\"\n{cfg}")).unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    assert_eq!(fs::read_to_string(out.join("style.css")).unwrap(), "/* plain */");
    fs::write(site.join("briefing.toml"), format!("theme = \"missing\"\n{cfg}")).unwrap();
    let (code, _, err) = outcome(&run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("theme `missing` not found"), "{err}");
}

#[test]
fn a_theme_folder_needs_only_the_files_it_changes() {
    let (dir, site) = fixture("council");
    fs::create_dir_all(site.join("themes/plain/static")).unwrap();
    fs::write(site.join("themes/plain/static/style.css"), "/* plain */").unwrap();
    let cfg = fs::read_to_string(site.join("briefing.toml")).unwrap();
    fs::write(site.join("briefing.toml"), format!("theme = \"plain\"\n{cfg}")).unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    assert_eq!(fs::read_to_string(out.join("style.css")).unwrap(), "/* plain */");
    // The rest is the built-in theme's: its templates, favicon and strings.
    assert!(out.join("favicon.svg").is_file());
    let front = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(front.contains("class=\"site-title\""), "the built-in templates");
}

/// `index.html` and `sources.html` as themes wrote them before the large pages were made
/// of parts: they loop over the lists' data.
fn before_parts(name: &str) -> String {
    fs::read_to_string(repo().join("tests/fixtures/themes/before-parts").join(name)).unwrap()
}

#[test]
fn templates_written_before_parts_still_get_their_lists_as_data() {
    let (dir, site) = fixture("council");
    let want = dir.path().join("want");
    build(&site, &want);

    // Overrides in the site's templates/: the built-in parts are not theirs.
    fs::create_dir_all(site.join("templates")).unwrap();
    for name in ["index.html", "sources.html"] {
        fs::write(site.join("templates").join(name), before_parts(name)).unwrap();
    }
    let out = dir.path().join("out");
    build(&site, &out);
    assert_eq!(tree(&out), tree(&want), "the same pages, made from the lists' data");
    fs::remove_dir_all(site.join("templates")).unwrap();

    // A theme folder copied before parts existed: no parts/ at all.
    copy_dir(&repo().join("themes/default"), &site.join("themes/old"));
    fs::remove_dir_all(site.join("themes/old/templates/parts")).unwrap();
    for name in ["index.html", "sources.html"] {
        fs::write(site.join("themes/old/templates").join(name), before_parts(name)).unwrap();
    }
    let cfg = fs::read_to_string(site.join("briefing.toml")).unwrap();
    fs::write(site.join("briefing.toml"), format!("theme = \"old\"\n{cfg}")).unwrap();
    let out = dir.path().join("out2");
    build(&site, &out);
    assert_eq!(tree(&out), tree(&want));
}

#[test]
fn a_template_may_reorder_its_items_and_one_that_repeats_them_is_rendered_whole() {
    let (dir, site) = fixture("council");
    let index = fs::read_to_string(repo().join("themes/default/templates/index.html")).unwrap();
    // An override of the page, with the theme's parts beside it (see `uses_parts`).
    copy_dir(&repo().join("themes/default/templates/parts"), &site.join("templates/parts"));
    let article_items = |doc: &scraper::Html| -> Vec<String> {
        doc.select(&sel("#articles .article-list > li")).map(|li| li.html()).collect()
    };
    let want = dir.path().join("want");
    build(&site, &want);
    let forward = article_items(&page(&want.join("index.html")));
    assert!(forward.len() > 1);

    // Reversed: the page is still spliced from its items, in the template's order.
    let reversed = index.replace("{% for html in articles %}", "{% for html in articles | reverse %}");
    assert_ne!(reversed, index);
    fs::write(site.join("templates/index.html"), &reversed).unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    let mut got = article_items(&page(&out.join("index.html")));
    got.reverse();
    assert_eq!(got, forward);

    // Each article twice: no longer a place for each item, so the page is rendered whole.
    let twice = index.replace(
        "{% for html in articles %}\n  {{ html | safe }}",
        "{% for html in articles %}\n  {{ html | safe }}{{ html | safe }}",
    );
    assert_ne!(twice, index);
    fs::write(site.join("templates/index.html"), &twice).unwrap();
    build(&site, &out);
    let got = article_items(&page(&out.join("index.html")));
    let doubled: Vec<String> = forward.iter().flat_map(|a| [a.clone(), a.clone()]).collect();
    assert_eq!(got, doubled);
    assert!(!fs::read_to_string(out.join("index.html")).unwrap().contains("<!--&"), "no marker left");
}
