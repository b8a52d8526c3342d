//! A page from the web for `import`: one GET with a timeout, a size limit and a bounded
//! number of redirects, refused unless it is HTML, decoded by the charset it declares.

use std::time::Duration;

use ureq::ResponseExt;

use crate::model::diag::Diagnostic;

/// The limits of one fetch.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The longest the whole request may take.
    pub timeout: Duration,
    /// The most bytes read: a news page is rarely over 2 MB; 10 MB leaves room.
    pub max_bytes: u64,
    /// The most redirects followed.
    pub max_redirects: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { timeout: Duration::from_secs(30), max_bytes: 10 * 1024 * 1024, max_redirects: 10 }
    }
}

/// A fetched page: its bytes as sent, the address it was found at after redirects, and
/// the charset its `Content-Type` header declares.
#[derive(Debug)]
pub struct Fetched {
    /// The body, exactly as the server sent it.
    pub bytes: Vec<u8>,
    /// The address after redirects.
    pub url: String,
    /// `charset=` of the `Content-Type` header, if any.
    pub charset: Option<String>,
}

/// Fetches `url`: an error (`import-fetch`) for a failure, a status other than 2xx, a body
/// over the limit, too many redirects, or a page that is not HTML.
pub fn fetch(url: &str, limits: &Limits) -> Result<Fetched, Diagnostic> {
    let fail =
        |why: String, help: &str| Diagnostic::error("import-fetch", format!("cannot import `{url}`: {why}")).help(help);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(limits.max_redirects)
        .http_status_as_error(false)
        .timeout_global(Some(limits.timeout))
        .user_agent(concat!("briefing/", env!("CARGO_PKG_VERSION"), " (import)"))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| match e {
        ureq::Error::TooManyRedirects => fail(
            format!("more than {} redirects (a loop?)", limits.max_redirects),
            "open the address in a browser, and import the page it ends on, or save it and import the file",
        ),
        ureq::Error::Timeout(_) => fail(
            format!("no answer within {} s", limits.timeout.as_secs()),
            "try again later, or save the page from a browser and import the file",
        ),
        other => fail(plain_error(&other), "check the address; or save the page from a browser and import the file"),
    })?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(fail(
            format!("the server answers {status}"),
            "check the address, or import a saved copy of the page",
        ));
    }
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !mime.is_empty() && mime != "text/html" && mime != "application/xhtml+xml" {
        return Err(fail(
            format!("it is `{mime}`, not an HTML page"),
            "import the article's web page, not a file it links to",
        ));
    }
    let final_url = response.get_uri().to_string();
    let bytes = response.body_mut().with_config().limit(limits.max_bytes).read_to_vec().map_err(|e| match e {
        ureq::Error::BodyExceedsLimit(_) => fail(
            format!("the page is over {} MB", limits.max_bytes / (1024 * 1024)),
            "save the article from a browser (File > Save Page As…) and import the file",
        ),
        ureq::Error::Timeout(_) => fail(
            format!("the page did not arrive within {} s", limits.timeout.as_secs()),
            "try again later, or save the page from a browser and import the file",
        ),
        other => fail(plain_error(&other), "try again, or save the page from a browser and import the file"),
    })?;
    Ok(Fetched { bytes, url: final_url, charset: charset_of(&content_type) })
}

/// What went wrong, in words: the messages of the HTTP and I/O layers name their own
/// parts ("io: Connection refused (os error 111)").
fn plain_error(e: &ureq::Error) -> String {
    let io_kind = match e {
        ureq::Error::Io(io) => Some(io.kind()),
        _ => None,
    };
    match (e, io_kind) {
        (_, Some(std::io::ErrorKind::ConnectionRefused)) => "the server refused the connection".into(),
        (_, Some(std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted)) => {
            "the server closed the connection".into()
        }
        (_, Some(std::io::ErrorKind::UnexpectedEof)) => {
            "the connection ended early (an https:// address on a server that speaks only http?)".into()
        }
        (ureq::Error::HostNotFound, _) => "no such host".into(),
        (ureq::Error::Tls(_) | ureq::Error::Rustls(_), _) => format!("the secure connection failed ({e})"),
        (ureq::Error::BadUri(_), _) => "the address is not valid".into(),
        _ => e.to_string(),
    }
}

/// `charset=` of a `Content-Type` value.
pub fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset")).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// `bytes` as text: by the charset the header declared, else the one the page's `<meta>`
/// declares (in its first 1024 bytes, as browsers look), else UTF-8 (a byte-order mark
/// wins over both, as in browsers). Bytes that are not of the charset become U+FFFD.
pub fn decode(bytes: &[u8], header: Option<&str>) -> (String, &'static str) {
    let declared = header.and_then(|h| encoding_rs::Encoding::for_label(h.as_bytes())).or_else(|| meta_charset(bytes));
    let encoding = declared.unwrap_or(encoding_rs::UTF_8);
    let (text, used, _) = encoding.decode(bytes);
    (text.into_owned(), used.name())
}

/// The charset a page's `<meta charset>` or `<meta http-equiv="Content-Type">` declares.
fn meta_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let rest = head[at..].trim_start_matches(['"', '\'', ' ']);
    let label: String =
        rest.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')).collect();
    encoding_rs::Encoding::for_label(label.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_declared_charset_decodes_the_page() {
        let cp1251 = b"<html><head><meta charset=\"windows-1251\"></head><body>\xcf\xf0\xe8\xe2\xe5\xf2</body></html>";
        let (text, used) = decode(cp1251, None);
        assert!(text.contains("Привет"), "{text}");
        assert_eq!(used, "windows-1251");
        let (text, _) = decode(cp1251, Some("windows-1251"));
        assert!(text.contains("Привет"));
        assert_eq!(charset_of("text/html; charset=\"ISO-8859-1\""), Some("ISO-8859-1".into()));
        let (text, used) = decode("é".as_bytes(), None);
        assert_eq!((text.as_str(), used), ("é", "UTF-8"));
    }
}
