//! The rules whose findings the NATS config parser reports (syntax, variables, includes, file
//! reading), declared here so the parser needs nothing above it. `silent-value-loss` is also
//! checked by a rule pass (`rules::silent_value_loss`) that adds the semantic cases.

crate::declare_rule! {
    /// ## What it does
    /// Reports `include` directives that form a cycle (`a.conf` → `b.conf` → `a.conf`), naming
    /// the whole chain, and include chains nested more than 64 files deep.
    ///
    /// ## Why is this bad?
    /// nats-server has no cycle detection: it recurses until the Go runtime aborts with a stack
    /// overflow, in every version (truth/nats-conf-format.md §1.10, case 140).
    ///
    /// ## Example
    /// ```nats title="a.conf"
    /// include b.conf
    /// ```
    /// ```nats title="b.conf"
    /// include a.conf
    /// ```
    ///
    /// ## How to fix
    /// Remove one of the includes; put shared settings in a third file included by both.
    pub static INCLUDE_CYCLE = { name: "include-cycle", summary: "include directives form a cycle", severity: Error }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports an `include` whose file cannot be read where nats-server would look for it: missing,
    /// a folder, not a regular file (device, FIFO), or larger than 256 MiB.
    ///
    /// ## Why is this bad?
    /// nats-server fails with `error parsing include file '…'`. It resolves include paths with
    /// `filepath.Join(dir(including file), path)`: relative to the *including* file, and even an
    /// absolute path is joined under that folder (`include /etc/nats/a.conf` in `/etc/nats/nats.conf`
    /// opens `/etc/nats/etc/nats/a.conf`) (truth/nats-conf-format.md §1.10).
    ///
    /// ## Example
    /// ```nats title="nats.conf"
    /// include /etc/nats/accounts.conf   # opens <folder of nats.conf>/etc/nats/accounts.conf
    /// ```
    ///
    /// ## How to fix
    /// Use a path relative to the including file: `include accounts.conf`.
    pub static INCLUDE_NOT_FOUND = { name: "include-not-found", summary: "an included file cannot be read where nats-server looks for it", severity: Error }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports an `include` that reads a file outside the folder latticelint was pointed at
    /// (through `..`, or a symbolic link that leads elsewhere). The file is still read so the
    /// config is linted as nats-server would see it; this finding says that it happened.
    ///
    /// ## Why is this bad?
    /// nats-server resolves includes against the including file's folder
    /// (truth/nats-conf-format.md §1.10), so an include can pull in any file of the machine.
    /// A file outside the deployment tree is not versioned or reviewed with it, and in CI it
    /// may differ from what production reads; a linter that read it silently would also read
    /// outside the paths it was given.
    ///
    /// ## Example
    /// ```nats title="nats.conf"
    /// include "../shared/accounts.conf"   # linted as `latticelint deploy/`, this is outside deploy/
    /// ```
    /// ```nats title="../shared/accounts.conf"
    /// accounts { APP: {} }
    /// ```
    ///
    /// ## How to fix
    /// Keep included files inside the deployment folder (copy or move them there), or lint
    /// the enclosing folder so the included file is part of the scan.
    pub static INCLUDE_OUTSIDE_ROOT = {
        name: "include-outside-root",
        summary: "an include reads a file outside the scanned folder",
        severity: Warning,
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports a NATS config file (or an included one) that is not valid UTF-8. latticelint
    /// goes on with each invalid byte read as U+FFFD, which is also how nats-server's values look
    /// once printed.
    ///
    /// ## Why is this bad?
    /// nats-server copies the raw bytes into keys and values, so a Latin-1 `é` in a password or
    /// subject never matches what clients send (truth/nats-conf-format.md §1.1).
    ///
    /// ## Example
    /// A `password: caf\xe9` line saved in Latin-1.
    ///
    /// ## How to fix
    /// Save the file as UTF-8.
    pub static INVALID_ENCODING = { name: "invalid-encoding", summary: "a NATS config file that is not valid UTF-8", severity: Warning }
}

crate::declare_rule! {
    /// ## What it does
    /// Finds config text that nats-server accepts without error but does not use as written:
    /// - a key written twice in one block (the last one wins silently), including spellings that differ
    ///   only in case or are aliases of one key (`PORT`/`port`, `leaf`/`leafnodes`), where the winner
    ///   depends on Go map order;
    /// - a duration written as an unquoted `2m`, `10k`...: `m` means mega, so `ping_interval: 2m` is
    ///   2000000 seconds;
    /// - a plain integer where a duration is expected (taken as seconds, with a warning that makes
    ///   `nats-server -t` fail);
    /// - an authentication `timeout` above 60 seconds (2.11.2+ warns, and `nats-server -t` fails);
    /// - unknown keys inside `resolver {}`, which nats-server ignores without a word;
    /// - unquoted bcrypt hashes starting `$2b$`/`$2y$` (only `$2a$` is special-cased, the others are
    ///   read as variable references);
    /// - absolute `include` paths, which nats-server joins under the including file's folder.
    ///
    /// ## Why is this bad?
    /// The server runs with a value other than the one the author meant, and nothing reports it
    /// until something fails later. See `truth/nats-conf-format.md` §1.3 (duplicate and case-only
    /// keys), §1.6 (sizes vs durations), §1.10 (absolute includes), §1.11 (bcrypt), §3.1 (int
    /// durations) and §3.2 (`resolver` ignores unknown keys).
    ///
    /// ## Example
    /// ```nats title="nats.conf"
    /// port: 4222
    /// PORT: 4333
    /// ping_interval: 2m
    /// write_deadline: 10
    /// include /etc/nats/auth.conf
    /// ```
    /// ```nats title="etc/nats/auth.conf"
    /// # what the include above reads: the path joined under the folder of nats.conf
    /// authorization { timeout: 2 }
    /// ```
    ///
    /// ## How to fix
    /// Keep one spelling of each key, quote durations or write them with seconds (`"2m"`, `120s`),
    /// write `10s` instead of `10`, quote bcrypt hashes, and use include paths relative to the file.
    pub static SILENT_VALUE_LOSS = { name: "silent-value-loss", summary: "config text nats-server accepts but drops or misreads", severity: Warning }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports NATS config text that nats-server's parser rejects, with the exact offending
    /// character: unbalanced braces, values that end in the wrong place, bad escapes, malformed
    /// numbers and datetimes, a value-less key at the end of the file (2.9.22+), values of
    /// environment variables that do not parse, and nesting deeper than 2,000 levels.
    ///
    /// ## Why is this bad?
    /// nats-server refuses to start (`Parse error on line N: ...`). Several of these come from
    /// context-dependent lexing that looks valid to humans (truth/nats-conf-format.md §1):
    /// `]` right after an integer is swallowed into the value, so `[1, 2]` fails; unquoted values
    /// end at spaces, so `server_name: a b` fails; escapes such as `\q` are rejected even in unquoted
    /// values.
    ///
    /// ## Example
    /// ```nats title="nats.conf"
    /// cluster {
    ///   routes: [1, 2]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Follow the help line: e.g. write `[1, 2 ]` or put `]` on its own line, quote values with
    /// spaces, close every `{`.
    ///
    /// ## References
    /// - nats-server `conf/lex.go`, `conf/parse.go`
    pub static SYNTAX_ERROR = { name: "syntax-error", summary: "config text that nats-server's parser rejects", severity: Error }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports a `$NAME` reference that resolves neither to a key defined earlier in the same or an
    /// enclosing block nor to an environment variable, and environment variables that refer to
    /// each other in a cycle.
    ///
    /// ## Why is this bad?
    /// nats-server stops with `variable reference for 'NAME' on line N can not be found`. Lookups
    /// see only keys defined *before* the reference (no forward references), in enclosing maps, and
    /// not the parent's keys inside an included file; `${NAME}`, `"$NAME"` and `pre$NAME` are not
    /// interpolated; only `$2a$` bcrypt hashes are literals (`$2b$`/`$2y$` are variables). An
    /// environment cycle crashes nats-server before 2.11.12 and is an error since
    /// (truth/nats-conf-format.md §1.11).
    ///
    /// ## Example
    /// ```nats title="nats.conf"
    /// port: $PORT
    /// PORT: 4222
    /// ```
    ///
    /// ## How to fix
    /// Define the variable before its use, or set it in the server's environment.
    pub static UNDEFINED_VARIABLE = { name: "undefined-variable", summary: "a `$variable` that nats-server cannot resolve", severity: Error }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports files under the scanned paths that latticelint could not read: permission denied,
    /// deleted during the scan, special files (FIFOs, devices, sockets) and files over the size limit.
    ///
    /// ## Why is this bad?
    /// A deployment file that is not read is not checked: a server or host it declares is missing
    /// from the model, so topology findings may be incomplete.
    ///
    /// ## Example
    /// ```text
    /// $ chmod 000 configs/hub.conf && latticelint configs
    /// warning[unreadable-file]: cannot read `hub.conf`: permission denied
    /// ```
    ///
    /// ## How to fix
    /// Make the file readable, or exclude it from the scan with `.gitignore` / `.ignore`.
    pub static UNREADABLE_FILE = {
        name: "unreadable-file",
        summary: "a file under the scanned paths could not be read",
        severity: Warning,
    }
}
