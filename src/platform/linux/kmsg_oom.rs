//! Decoder of the kernel log's OOM-killer reports, as `/dev/kmsg` gives them:
//! pure text in, kills out (the device itself is `kmsg.rs`).
//!
//! A record is `PRIO,SEQ,USEC,FLAGS[,..];TEXT` with continuation lines that
//! start with a space. The kill itself has been worded several ways:
//!
//! - 2.6 to 4.x: `Out of memory: Kill process 957 (app) score 524 or sacrifice
//!   child` (or `Memory cgroup out of memory: ...`), then the victim (it may be
//!   a child): `Killed process 957 (app) total-vm:67472kB, anon-rss:...`
//!   (`vsz:` on 2.6; `, UID 0,` after the name on RHEL 7's 3.10).
//! - 5.0 on: one line, `Out of memory: Killed process 1234 (x) total-vm:...`,
//!   `Memory cgroup out of memory: Killed process ...`, or
//!   `Out of memory (oom_kill_allocating_task): Killed process ...`.
//! - Processes sharing the victim's memory: `Kill process N (x) sharing same memory`.
//!
//! Which memory cgroup ran out comes before the kill: `Task in /a killed as a
//! result of limit of /a` (up to 4.18), or from 4.19 `oom-kill:constraint=
//! CONSTRAINT_MEMCG,...,oom_memcg=/a,task_memcg=/a,task=x,pid=N,uid=0`. Each
//! report starts with `NAME invoked oom-killer:`, which clears what the last
//! one said.

/// One record's header and text (continuation lines dropped).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    pub seq: u64,
    /// Microseconds since boot, the kernel's clock when it was logged.
    pub usec: u64,
    pub text: &'a str,
}

/// Splits a `/dev/kmsg` record; None when it is not one.
pub fn record(raw: &str) -> Option<Record<'_>> {
    let (head, rest) = raw.split_once(';')?;
    let mut fields = head.split(',');
    let _prio: u32 = fields.next()?.parse().ok()?;
    let seq = fields.next()?.parse().ok()?;
    let usec = fields.next()?.parse().ok()?;
    let text = rest.split('\n').next().unwrap_or("");
    Some(Record { seq, usec, text })
}

/// A process the OOM killer killed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kill {
    pub pid: i32,
    /// Its name as the kernel logged it (`\xNN` escapes left as they are).
    pub comm: String,
    /// When, microseconds since boot.
    pub usec: u64,
    /// A memory cgroup's limit was hit (not the machine's memory).
    pub memcg: bool,
    /// That cgroup's path, when the report named it.
    pub cgroup: Option<String>,
}

/// Reads a report line by line; what a line says about the next kill (its
/// cgroup) is kept until the next report begins.
#[derive(Clone, Debug, Default)]
pub struct Parser {
    memcg: bool,
    cgroup: Option<String>,
    /// The pid the `oom-kill:` line named, whose cgroup it gave.
    cgroup_pid: Option<i32>,
}

impl Parser {
    /// The kill this line reports, if it reports one.
    pub fn line(&mut self, usec: u64, text: &str) -> Option<Kill> {
        let text = text.trim_end();
        if text.contains(" invoked oom-killer:") {
            *self = Parser::default();
            return None;
        }
        if let Some(kv) = text.strip_prefix("oom-kill:") {
            self.constraint(kv);
            return None;
        }
        if let Some(rest) = text.strip_prefix("Task in ")
            && let Some((_, limit)) = rest.split_once(" killed as a result of limit of ")
        {
            self.memcg = true;
            self.cgroup = Some(limit.trim().to_string());
            self.cgroup_pid = None;
            return None;
        }
        let (prefix, victim) = if let Some(i) = text.find("Killed process ") {
            (&text[..i], &text[i + "Killed process ".len()..])
        } else if let Some(i) = text.find("Kill process ") {
            let (prefix, rest) = (&text[..i], &text[i + "Kill process ".len()..]);
            if prefix.starts_with("Memory cgroup out of memory") {
                // The older two-line form: the victim follows on its own line.
                self.memcg = true;
            }
            if !rest.ends_with(" sharing same memory") {
                return None;
            }
            (prefix, rest)
        } else {
            return None;
        };
        let (pid, comm) = pid_and_comm(victim)?;
        let memcg = self.memcg || prefix.starts_with("Memory cgroup out of memory");
        let cgroup = match self.cgroup_pid {
            Some(p) if p != pid && !victim.ends_with(" sharing same memory") => None,
            _ => self.cgroup.clone(),
        };
        Some(Kill {
            pid,
            comm,
            usec,
            memcg,
            cgroup: cgroup.filter(|_| memcg),
        })
    }

    /// `constraint=CONSTRAINT_MEMCG,nodemask=(null),...,oom_memcg=/a,task_memcg=/a,task=x,pid=N,uid=0`
    fn constraint(&mut self, kv: &str) {
        let mut memcg = false;
        let mut cgroup = None;
        let mut pid = None;
        for part in kv.split(',') {
            match part.split_once('=') {
                Some(("constraint", c)) => memcg = c == "CONSTRAINT_MEMCG",
                Some(("oom_memcg", c)) => cgroup = Some(c.to_string()),
                Some(("pid", p)) => pid = p.trim().parse().ok(),
                _ => {}
            }
        }
        self.memcg = memcg;
        self.cgroup = cgroup;
        self.cgroup_pid = pid;
    }
}

/// `1234 (name) total-vm:...` as (1234, "name"). A name may hold spaces and
/// parentheses: it ends at the `)` that the known tails follow, else the last.
fn pid_and_comm(s: &str) -> Option<(i32, String)> {
    let (pid, rest) = s.split_once(' ')?;
    let pid: i32 = pid.trim_end_matches(',').parse().ok()?;
    let name = rest.strip_prefix('(')?;
    const TAILS: [&str; 5] = [
        ") total-vm:",
        ") vsz:",
        "), UID ",
        ") sharing same memory",
        ") score ",
    ];
    let end = TAILS
        .iter()
        .filter_map(|t| name.find(t))
        .min()
        .or_else(|| name.rfind(')'))?;
    Some((pid, name[..end].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds each `/dev/kmsg` record to a parser; the kills found.
    fn kills(records: &[&str]) -> Vec<Kill> {
        let mut p = Parser::default();
        records
            .iter()
            .filter_map(|r| record(r))
            .filter_map(|r| p.line(r.usec, r.text))
            .collect()
    }

    #[test]
    fn records_split_and_continuations_drop() {
        let r =
            record("6,341,1331654,-;tokio-rt-worker (96): drop_caches: 3\n SUBSYSTEM=x\n").unwrap();
        assert_eq!(
            r,
            Record {
                seq: 341,
                usec: 1_331_654,
                text: "tokio-rt-worker (96): drop_caches: 3"
            }
        );
        // Newer kernels add fields after the flags (the caller's id).
        let r = record("3,424,540148716,-,caller=T14041;Out of memory: x").unwrap();
        assert_eq!((r.seq, r.text), (424, "Out of memory: x"));
        assert!(record("no header").is_none());
        assert!(record("x,1,2,-;text").is_none());
    }

    /// 6.18 (taken on this project's test machine), a memory cgroup v1 limit.
    #[test]
    fn linux_6_memory_cgroup() {
        let k = kills(&[
            "4,343,540146000,-;perl invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
            "6,377,540148565,-;Memory cgroup stats for /whytop-oom-probe:",
            "6,422,540148691,-;[  14041]     0 14041    11149     9271     8110     1161         0   135168        0             0 perl",
            "6,423,540148696,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/whytop-oom-probe,task_memcg=/whytop-oom-probe,task=perl,pid=14041,uid=0",
            "3,424,540148716,-;Memory cgroup out of memory: Killed process 14041 (perl) total-vm:44596kB, anon-rss:32440kB, file-rss:4644kB, shmem-rss:0kB, UID:0 pgtables:132kB oom_score_adj:0",
            "6,425,540149000,-;oom_reaper: reaped process 14041 (perl), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
        ]);
        assert_eq!(
            k,
            vec![Kill {
                pid: 14041,
                comm: "perl".into(),
                usec: 540_148_716,
                memcg: true,
                cgroup: Some("/whytop-oom-probe".into()),
            }]
        );
    }

    /// 5.x: the machine's memory ran out (a global OOM names the task's
    /// cgroup, not a limit: no cgroup is said).
    #[test]
    fn linux_5_global() {
        let k = kills(&[
            "4,900,4650180000,-;java invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0",
            "6,901,4650180470,-;oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=aegis,mems_allowed=0,global_oom,task_memcg=/system.slice/docker-0074.scope,task=java,pid=7134,uid=1000",
            "3,902,4650180480,-;Out of memory: Killed process 7134 (java) total-vm:8142876kB, anon-rss:6719676kB, file-rss:4kB, shmem-rss:0kB, UID:1000 pgtables:13660kB oom_score_adj:0",
        ]);
        assert_eq!(k.len(), 1);
        assert_eq!((k[0].pid, k[0].comm.as_str()), (7134, "java"));
        assert!(!k[0].memcg);
        assert_eq!(k[0].cgroup, None);
    }

    /// 5.0 to 5.2 (no UID yet), repeated kills in one cgroup with no
    /// `oom-kill:` line kept between them.
    #[test]
    fn linux_5_0_memory_cgroup_without_uid() {
        let k = kills(&[
            "3,1,514682838,-;Memory cgroup out of memory: Killed process 15617 (python3) total-vm:11892kB, anon-rss:4292kB, file-rss:3428kB, shmem-rss:0kB",
            "6,2,514686093,-;oom_reaper: reaped process 15617 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
            "3,3,514686269,-;Memory cgroup out of memory: Killed process 15674 (python3) total-vm:11892kB, anon-rss:4292kB, file-rss:3424kB, shmem-rss:0kB",
        ]);
        let pids: Vec<_> = k.iter().map(|k| (k.pid, k.memcg)).collect();
        assert_eq!(pids, vec![(15617, true), (15674, true)]);
        assert_eq!(k[0].cgroup, None);
    }

    /// 3.10 (RHEL 7) and 4.x: two lines, the victim a child of the chosen one,
    /// the cgroup from `Task in`.
    #[test]
    fn linux_3_and_4_two_lines() {
        let k = kills(&[
            "4,10,678517000,-;memcg_test_1 invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0",
            "6,11,678517100,-;Task in /ecs/f209/15e2 killed as a result of limit of /ecs/f209",
            "6,12,678517110,-;memory: usage 1048576kB, limit 1048576kB, failcnt 34667727",
            "3,13,678517179,-;Memory cgroup out of memory: Kill process 24984 (palo_be) score 968 or sacrifice child",
            "3,14,678517180,-;Killed process 18177 (palo_be), UID 0, total-vm:70347780kB, anon-rss:45563572kB, file-rss:0kB, shmem-rss:0kB",
        ]);
        assert_eq!(
            k,
            vec![Kill {
                pid: 18177,
                comm: "palo_be".into(),
                usec: 678_517_180,
                memcg: true,
                cgroup: Some("/ecs/f209".into()),
            }]
        );
        // The machine's memory, 3.x: no cgroup; a name with a space and a parenthesis.
        let k = kills(&[
            "4,20,100,-;app.out invoked oom-killer: gfp_mask=0x200da, order=0, oom_adj=0, oom_score_adj=0",
            "3,21,101,-;Out of memory: Kill process 957 (app.out) score 524 or sacrifice child",
            "3,22,102,-;Killed process 957 (my (app)) total-vm:67472kB, anon-rss:14496kB, file-rss:516kB",
        ]);
        assert_eq!(k.len(), 1);
        assert_eq!(
            (k[0].pid, k[0].comm.as_str(), k[0].memcg),
            (957, "my (app)", false)
        );
    }

    /// 2.6: `vsz:`; and a process that shared the victim's memory.
    #[test]
    fn linux_2_6_and_shared_memory() {
        let k = kills(&[
            "3,5,200,-;Killed process 1235 (hog) vsz:2052kB, anon-rss:1024kB, file-rss:4kB",
            "3,6,201,-;Kill process 1240 (hog-twin) sharing same memory",
            "3,7,202,-;Out of memory (oom_kill_allocating_task): Killed process 1250 (alloc) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB",
        ]);
        let got: Vec<_> = k.iter().map(|k| (k.pid, k.comm.as_str())).collect();
        assert_eq!(
            got,
            vec![(1235, "hog"), (1240, "hog-twin"), (1250, "alloc")]
        );
    }

    /// A new report forgets the last one's cgroup; what is not a kill is none.
    #[test]
    fn reports_do_not_leak_into_each_other() {
        let k = kills(&[
            "6,1,1,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a,task=x,pid=5,uid=0",
            "3,2,2,-;Memory cgroup out of memory: Killed process 5 (x) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:0",
            "4,3,3,-;y invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
            "3,4,4,-;Out of memory: Killed process 6 (y) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:0",
            "6,5,5,-;Killed process: not a number (z)",
            "6,6,6,-;audit: type=1400 Killed process 7",
        ]);
        assert_eq!(k.len(), 2);
        assert_eq!((k[0].pid, k[0].cgroup.as_deref()), (5, Some("/a")));
        assert_eq!(
            (k[1].pid, k[1].memcg, k[1].cgroup.as_deref()),
            (6, false, None)
        );
        // Never panics on cut records.
        let full = "3,424,540148716,-;Memory cgroup out of memory: Killed process 14041 (perl) total-vm:44596kB";
        for cut in 0..full.len() {
            let _ = kills(&[&full[..cut]]);
        }
    }
}
