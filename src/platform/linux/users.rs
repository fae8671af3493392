//! uid -> user name, from a passwd file read once.

use std::collections::HashMap;
use std::sync::Arc;

#[derive(Default)]
pub(crate) struct UserNames {
    names: HashMap<u32, Arc<str>>,
}

impl UserNames {
    pub fn load(passwd_path: &str) -> Self {
        let text = std::fs::read_to_string(passwd_path).unwrap_or_default();
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Self {
        let mut names = HashMap::new();
        for line in text.lines() {
            let mut f = line.split(':');
            if let (Some(name), Some(_), Some(uid)) = (f.next(), f.next(), f.next())
                && let Ok(uid) = uid.parse()
            {
                names.entry(uid).or_insert_with(|| Arc::from(name));
            }
        }
        Self { names }
    }

    /// The name, or the number as text when the uid has no passwd entry.
    pub fn name(&mut self, uid: u32) -> Arc<str> {
        self.names
            .entry(uid)
            .or_insert_with(|| Arc::from(uid.to_string()))
            .clone()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_and_fallback() {
        let mut u = super::UserNames::parse(
            "root:x:0:0::/root:/bin/sh\nbad line\ndev:x:1000:1000::/h:/bin/sh\n",
        );
        assert_eq!(&*u.name(0), "root");
        assert_eq!(&*u.name(1000), "dev");
        assert_eq!(&*u.name(4242), "4242");
    }
}
