//! Links the bot's executable (and the benches', so the process bench's baseline bot is linked
//! the same way) with packed relative relocations (`DT_RELR`) where the C library it is built
//! against applies them: glibc 2.36 and later.
//!
//! A position-independent executable carries a relocation for every pointer in its data
//! (about 57,000 here, half of them in chrono-tz's time-zone tables), and the loader reads the
//! whole table at every start: 1.3 MiB of the file resident for nothing after. Packed, the
//! table is 23 KiB (`cargo bench --bench process`: idle RSS down 1.3 MiB). An executable built
//! against glibc runs only where that version or a later one is, so asking for 2.36 where it
//! was built on 2.36 or later narrows nothing.

/// `EMIG_BUILD_PACKED_RELOCS=0` links the usual way: for a build linked against an older
/// glibc than the building machine's (through another sysroot).
const OPT_OUT: &str = "EMIG_BUILD_PACKED_RELOCS";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed={OPT_OUT}");
    if std::env::var(OPT_OUT).as_deref() != Ok("0") && packs_relative_relocations() {
        println!("cargo:rustc-link-arg-bin=emig-bot=-Wl,-z,pack-relative-relocs");
        println!("cargo:rustc-link-arg-benches=-Wl,-z,pack-relative-relocs");
    }
}

/// Linux with glibc 2.36 or later, building for the machine it runs on (a cross build links
/// against another C library, which this script cannot ask).
fn packs_relative_relocations() -> bool {
    let var = |key: &str| std::env::var(key).unwrap_or_default();
    var("TARGET") == var("HOST")
        && var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && glibc_version().is_some_and(|version| version >= (2, 36))
}

/// The running glibc's version: the one the executable links against, on this machine.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn glibc_version() -> Option<(u32, u32)> {
    extern "C" {
        fn gnu_get_libc_version() -> *const std::os::raw::c_char;
    }
    // SAFETY: glibc returns a pointer to a static NUL-terminated string such as "2.36".
    let version = unsafe { std::ffi::CStr::from_ptr(gnu_get_libc_version()) };
    let mut parts = version.to_str().ok()?.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn glibc_version() -> Option<(u32, u32)> {
    None
}
