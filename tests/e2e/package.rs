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
    for lib in ["adduser", "libc6", "libinput10", "libudev1"] {
        assert!(depends.contains(lib), "Depends: {depends}");
    }

    let root = dir.path().join("root");
    run(Command::new("dpkg-deb").arg("-x").arg(deb).arg(&root));
    for file in [
        "usr/bin/kiosk",
        "etc/kiosk/kiosk.toml",
        "etc/kiosk/board.toml",
        "lib/systemd/system/kiosk.service",
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
        "systemctl enable kiosk.service",
    ] {
        assert!(postinst.contains(needed), "postinst lacks {needed}");
    }
    let postrm = std::fs::read_to_string(control.join("postrm")).unwrap();
    assert!(
        !postrm.contains("rm -rf /var/lib/kiosk"),
        "purging must keep the journal"
    );
}
