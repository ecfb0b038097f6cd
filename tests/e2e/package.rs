//! The Debian package, built by `scripts/package-deb` from the binary under
//! test for this machine's architecture: its control data, its files, its
//! maintainer scripts, and its settings read by the packaged binary itself.

use std::path::Path;
use std::process::Command;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_package_installs_the_appliance_with_its_settings_unit_and_rules() {
    let dir = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/package-deb");
    let printed = run(Command::new(&script)
        .args(["--binary", env!("CARGO_BIN_EXE_kiosk"), "--out"])
        .arg(dir.path()));
    let deb = Path::new(printed.trim());
    let arch = run(Command::new("dpkg").arg("--print-architecture"));
    assert!(
        deb.file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with(&format!("_{}.deb", arch.trim())),
        "{deb:?}"
    );

    let field = |name: &str| {
        run(Command::new("dpkg-deb")
            .args(["--field"])
            .arg(deb)
            .arg(name))
        .trim()
        .to_string()
    };
    assert_eq!(field("Package"), "kiosk");
    assert_eq!(field("Architecture"), arch.trim());
    assert_eq!(field("Version"), env!("CARGO_PKG_VERSION"));
    let depends = field("Depends");
    for lib in ["adduser", "libc6", "libinput10", "libudev1", "libasound2"] {
        assert!(depends.contains(lib), "Depends: {depends}");
    }

    let root = dir.path().join("root");
    run(Command::new("dpkg-deb").arg("-x").arg(deb).arg(&root));
    for file in [
        "usr/bin/kiosk",
        "etc/kiosk/kiosk.toml",
        "etc/kiosk/board.toml",
        "lib/systemd/system/kiosk.service",
        "lib/systemd/system/kiosk-backup.service",
        "lib/systemd/system/kiosk-backup.timer",
        "lib/udev/rules.d/99-kiosk.rules",
        "usr/share/kiosk/profiles/pi-2-windows.toml",
        "usr/share/doc/kiosk/pi.md",
        "usr/share/doc/kiosk/wiring.svg",
        "usr/share/doc/kiosk/copyright",
    ] {
        assert!(root.join(file).is_file(), "{file} is not in the package");
    }
    // The unit starts the packaged binary on the packaged settings.
    let unit = std::fs::read_to_string(root.join("lib/systemd/system/kiosk.service")).unwrap();
    assert!(unit.contains("ExecStart=/usr/bin/kiosk run --config /etc/kiosk/kiosk.toml"));
    assert!(unit.contains("Type=notify") && unit.contains("WatchdogSec="));
    assert!(
        unit.contains("\nLimitNOFILE=4096\n"),
        "room for the console's connections and everything else"
    );
    assert!(
        unit.contains("Environment=SLINT_BACKEND=linuxkms-software"),
        "the screen, without a desktop"
    );

    // The daily backup: as the kiosk user, from the packaged settings, once
    // a day, a missed night made up at the next start.
    let service =
        std::fs::read_to_string(root.join("lib/systemd/system/kiosk-backup.service")).unwrap();
    for needed in [
        "Type=oneshot",
        "User=kiosk",
        "Environment=KIOSK_DATA=/var/lib/kiosk",
        "ExecStart=/usr/bin/kiosk backup --config /etc/kiosk/kiosk.toml",
        "ReadWritePaths=/var/lib/kiosk",
    ] {
        assert!(
            service.contains(needed),
            "kiosk-backup.service lacks {needed}"
        );
    }
    let timer =
        std::fs::read_to_string(root.join("lib/systemd/system/kiosk-backup.timer")).unwrap();
    for needed in [
        "OnCalendar=*-*-* 02:30:00",
        "Persistent=true",
        "WantedBy=timers.target",
    ] {
        assert!(timer.contains(needed), "kiosk-backup.timer lacks {needed}");
    }
    // The packaged settings document [backup], and the packaged binary
    // takes them: a backup into the data folder's backups/, recorded for
    // the doctor.
    let settings = std::fs::read_to_string(root.join("etc/kiosk/kiosk.toml")).unwrap();
    assert!(
        settings.contains("\n[backup]\n"),
        "kiosk.toml lacks [backup]"
    );
    let live = dir.path().join("live");
    let station = Command::new(root.join("usr/bin/kiosk"))
        .args(["staff", "list", "--data"])
        .arg(&live)
        .output()
        .unwrap();
    assert!(station.status.success(), "a database to back up");
    let said = run(Command::new(root.join("usr/bin/kiosk"))
        .args(["backup", "--config"])
        .arg(root.join("etc/kiosk/kiosk.toml"))
        .arg("--data")
        .arg(&live));
    assert!(said.starts_with("backed up 0 journal entries"), "{said}");
    assert_eq!(std::fs::read_dir(live.join("backups")).unwrap().count(), 1);

    // The packaged binary reads the packaged settings: the Pi's board
    // profile and its printer.
    let data = dir.path().join("data");
    let doctor = Command::new(root.join("usr/bin/kiosk"))
        .args(["doctor", "--config"])
        .arg(root.join("etc/kiosk/kiosk.toml"))
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&doctor.stdout);
    assert!(said.contains("ok    settings"), "{said}");
    assert!(said.contains("ok    board      pi-2-windows"), "{said}");
    assert!(said.contains("/dev/kiosk-printer"), "{said}");

    // Conffiles and maintainer scripts.
    let control = dir.path().join("control");
    run(Command::new("dpkg-deb").arg("-e").arg(deb).arg(&control));
    let conffiles = std::fs::read_to_string(control.join("conffiles")).unwrap();
    assert_eq!(conffiles, "/etc/kiosk/kiosk.toml\n/etc/kiosk/board.toml\n");
    for script in ["postinst", "prerm", "postrm"] {
        run(Command::new("sh").arg("-n").arg(control.join(script)));
    }
    let postinst = std::fs::read_to_string(control.join("postinst")).unwrap();
    for needed in [
        "useradd --system",
        "usermod -a -G gpio,i2c,dialout,video,input kiosk",
        "install -d -o kiosk -g kiosk -m 0750 /var/lib/kiosk",
        "for unit in kiosk.service kiosk-backup.timer",
        "deb-systemd-helper enable \"$unit\"",
    ] {
        assert!(postinst.contains(needed), "postinst lacks {needed}");
    }
    let postrm = std::fs::read_to_string(control.join("postrm")).unwrap();
    assert!(
        !postrm.contains("rm -rf /var/lib/kiosk"),
        "purging must keep the journal"
    );
    let depends = field("Depends");
    assert!(depends.contains("init-system-helpers"), "{depends}");
}

/// The package's control files, extracted.
fn control_files(dir: &Path) -> std::path::PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/package-deb");
    let printed = run(Command::new(&script)
        .args(["--binary", env!("CARGO_BIN_EXE_kiosk"), "--out"])
        .arg(dir));
    let control = dir.join("control");
    run(Command::new("dpkg-deb")
        .arg("-e")
        .arg(printed.trim())
        .arg(&control));
    control
}

/// Runs the package's `postinst configure` against stand-ins for the
/// commands it calls (they log their arguments and change nothing), with
/// these groups and users present and the unit enabled before or not.
/// Returns the commands it ran, one a line.
fn postinst(control: &Path, groups: &[&str], users: &[&str], was_enabled: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let log = dir.path().join("log");
    let stand_in = bin.join("stand-in");
    std::fs::write(
        &stand_in,
        r#"#!/bin/sh
name=$(basename "$0")
echo "$name $*" >>"$LOG"
case "$name $1" in
    "getent group") case " $GROUPS_PRESENT " in *" $2 "*) exit 0 ;; *) exit 2 ;; esac ;;
    "getent passwd") case " $USERS_PRESENT " in *" $2 "*) exit 0 ;; *) exit 2 ;; esac ;;
    "deb-systemd-helper --quiet") [ "$WAS_ENABLED" = yes ] ;;
esac
"#,
    )
    .unwrap();
    run(Command::new("chmod").arg("+x").arg(&stand_in));
    for name in [
        "getent",
        "groupadd",
        "useradd",
        "usermod",
        "install",
        "udevadm",
        "deb-systemd-helper",
        "systemctl",
    ] {
        std::os::unix::fs::symlink(&stand_in, bin.join(name)).unwrap();
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    run(Command::new("sh")
        .arg(control.join("postinst"))
        .arg("configure")
        .env("PATH", path)
        .env("LOG", &log)
        .env("GROUPS_PRESENT", groups.join(" "))
        .env("USERS_PRESENT", users.join(" "))
        .env("WAS_ENABLED", if was_enabled { "yes" } else { "no" }));
    std::fs::read_to_string(&log).unwrap()
}

#[test]
fn postinst_enables_the_unit_without_a_running_systemd_and_joins_an_existing_kiosk_group() {
    let dir = tempfile::tempdir().unwrap();
    let control = control_files(dir.path());

    // A first install, as an image builder runs it in a chroot (no systemd
    // running there): the user and its group are made, the unit enabled.
    let ran = postinst(&control, &[], &[], true);
    assert!(
        ran.contains("useradd --system --user-group --home-dir /var/lib/kiosk"),
        "{ran}"
    );
    assert!(
        ran.contains("deb-systemd-helper enable kiosk.service"),
        "{ran}"
    );
    // A kiosk group already there: the new user joins it.
    let ran = postinst(&control, &["kiosk", "gpio", "video"], &[], true);
    assert!(
        ran.contains("useradd --system --gid kiosk --home-dir /var/lib/kiosk"),
        "{ran}"
    );
    assert!(!ran.contains("--user-group"), "{ran}");
    assert!(!ran.contains("groupadd --system kiosk"), "{ran}");
    assert!(!ran.contains("groupadd --system gpio"), "{ran}");
    assert!(ran.contains("groupadd --system dialout"), "{ran}");
    // An upgrade keeps the user; a unit the technician disabled stays so.
    let ran = postinst(&control, &["kiosk"], &["kiosk"], false);
    assert!(!ran.contains("useradd"), "{ran}");
    assert!(
        ran.contains("deb-systemd-helper update-state kiosk.service")
            && !ran.contains("deb-systemd-helper enable"),
        "{ran}"
    );
}

#[test]
fn the_unit_reads_cleanly_and_allows_only_what_the_kiosk_uses() {
    let unit_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../packaging/kiosk.service");
    let unit = std::fs::read_to_string(&unit_path).unwrap();
    let settings: Vec<&str> = unit
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains('='))
        .collect();
    let has = |line: &str| settings.contains(&line);

    // /sys is read-only but for the backlight's devices, which the kiosk
    // switches after hours.
    assert!(has("ProtectKernelTunables=yes"));
    assert!(has("ReadWritePaths=-/sys/devices/platform"), "{unit}");
    assert!(has("ProtectProc=invisible"));
    assert!(has("SystemCallFilter=@system-service"));
    assert!(has("SystemCallFilter=~@privileged @resources"));
    // Devices: closed, and each one allowed says why, in the comment above.
    assert!(has("DevicePolicy=closed"));
    let allowed: Vec<&str> = settings
        .iter()
        .filter_map(|l| l.strip_prefix("DeviceAllow="))
        .collect();
    assert_eq!(
        allowed,
        [
            "char-gpiochip rw",
            "char-i2c rw",
            "char-ttyUSB rw",
            "char-ttyACM rw",
            "char-ttyAMA rw",
            "char-ttyS rw",
            "char-usb rw",
            "/dev/ptmx rw",
            "char-pts rw",
            "char-drm rw",
            "char-input rw",
            "char-alsa rw",
        ]
    );
    let lines: Vec<&str> = unit.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("DeviceAllow=") {
            let above = lines[..i]
                .iter()
                .rev()
                .find(|l| !l.starts_with("DeviceAllow="))
                .unwrap();
            assert!(above.starts_with('#'), "{line} has no comment above it");
        }
    }

    // systemd reads every line (an unknown key or system call group is a
    // warning it would otherwise ignore).
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("kiosk.service");
    std::fs::write(
        &copy,
        unit.replace("/usr/bin/kiosk", env!("CARGO_BIN_EXE_kiosk")),
    )
    .unwrap();
    let verify = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&copy)
        .output()
        .expect("systemd-analyze (Debian's systemd package) is installed");
    let said = String::from_utf8_lossy(&verify.stderr);
    assert!(verify.status.success() && said.trim().is_empty(), "{said}");
}
