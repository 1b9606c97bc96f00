//! Tests of the date/time functions. Expected values come from running
//! jsonata-js 2.0.6 (with the clock at 2026-12-01T22:37Z where the current
//! time matters).

use super::*;

const T: f64 = 1_521_801_216_617.0; // 2018-03-23T10:33:36.617Z

fn fm(millis: f64, picture: &str) -> String {
    fm_tz(millis, picture, None)
}

fn fm_tz(millis: f64, picture: &str, tz: Option<&str>) -> String {
    match from_millis(millis, Some(picture), tz) {
        Ok(s) => s,
        Err(e) => e.code.to_owned(),
    }
}

fn iso(text: &str) -> String {
    match parse_iso(text) {
        Ok(n) if n.is_nan() => "NaN".to_owned(),
        Ok(n) => format!("{n}"),
        Err(e) => e.code.to_owned(),
    }
}

/// 2026-12-01T22:37:13.000Z.
const NOW: i64 = 1_796_164_633_000;

fn tm(text: &str, picture: &str) -> String {
    match to_millis(text, Some(picture), NOW) {
        Ok(Some(n)) if n.is_nan() => "NaN".to_owned(),
        Ok(Some(n)) => format!("{n}"),
        Ok(None) => "undefined".to_owned(),
        Err(e) => e.code.to_owned(),
    }
}

#[test]
fn default_iso_format() {
    assert_eq!(
        from_millis(1_510_067_557_121.0, None, None),
        Ok("2017-11-07T15:12:37.121Z".to_owned())
    );
    assert_eq!(
        from_millis(0.0, None, None),
        Ok("1970-01-01T00:00:00.000Z".to_owned())
    );
    assert_eq!(
        from_millis(-1.0, None, None),
        Ok("1969-12-31T23:59:59.999Z".to_owned())
    );
    assert_eq!(
        from_millis(1.7, None, None),
        Ok("1970-01-01T00:00:00.001Z".to_owned())
    );
    assert_eq!(
        from_millis(-1.7, None, None),
        Ok("1969-12-31T23:59:59.999Z".to_owned())
    );
    assert_eq!(
        from_millis(-62_135_596_800_001.0, None, None),
        Ok("0000-12-31T23:59:59.999Z".to_owned())
    );
    assert_eq!(
        from_millis(253_402_300_800_000.0, None, None),
        Ok("0000-01-01T00:00:00.000Z".to_owned())
    );
    assert_eq!(
        from_millis(8.64e15, None, None),
        Ok("5760-09-13T00:00:00.000Z".to_owned())
    );
    assert_eq!(
        from_millis(-8.64e15, None, None),
        Ok("-1821-04-20T00:00:00.000Z".to_owned())
    );
    assert_eq!(
        from_millis(8.64e15 + 1.0, None, None),
        Ok("0NaN-NaN-NaNTNaN:NaN:NaN.NaNZ".to_owned())
    );
    assert_eq!(
        from_millis(1e20, None, None),
        Ok("0NaN-NaN-NaNTNaN:NaN:NaN.NaNZ".to_owned())
    );
    assert_eq!(
        from_millis(-62_198_755_200_000.0, None, None),
        Ok("-0001-01-01T00:00:00.000Z".to_owned())
    );
    assert_eq!(
        from_millis(T, None, Some("-0500")),
        Ok("2018-03-23T05:33:36.617-05:00".to_owned())
    );
}

#[test]
fn documented_pictures() {
    assert_eq!(fm(T, "[Y0001]-[M01]-[D01]"), "2018-03-23");
    assert_eq!(fm(T, "[D#1]/[M#1]/[Y0001]"), "23/3/2018");
    assert_eq!(fm(T, "[D1o] [MNn] [Y]"), "23rd March 2018");
    assert_eq!(fm(T, "[FNn], [D1o] [MNn] [Y]"), "Friday, 23rd March 2018");
    assert_eq!(
        fm(T, "[FNn,3-3], [D1o] [MNn,3-3] [Y]"),
        "Fri, 23rd Mar 2018"
    );
    assert_eq!(fm(T, "[H01]:[m01]:[s01].[f001]"), "10:33:36.617");
    assert_eq!(fm(T, "[h]:[m01] [P]"), "10:33 am");
    assert_eq!(fm(T, "[h]:[m01] [PN]"), "10:33 AM");
    assert_eq!(fm(T, "[Y]-[M]-[D] [H]:[m]:[s]"), "2018-3-23 10:33:36");
    assert_eq!(fm(T, ""), "");
    assert_eq!(fm(T, "plain text"), "plain text");
    assert_eq!(fm(T, "[Y][M][D]"), "2018323");
}

#[test]
fn calendar_components() {
    assert_eq!(
        fm(T, "[Y0001]-[d] [F] [F1] [x] [w] [W] [X] [E] [C]"),
        "2018-82 friday 5 3 4 12 2018 ISO ISO"
    );
    let pic = "[Y0001]-[M01]-[D01] F=[F1] d=[d] W=[W] X=[X] w=[w] x=[x] [FNn]";
    let cases = [
        (
            1_522_584_000_000.0,
            "2018-04-01 F=7 d=91 W=13 X=2018 w=5 x=3 Sunday",
        ),
        (
            1_519_905_600_000.0,
            "2018-03-01 F=4 d=60 W=9 X=2018 w=1 x=3 Thursday",
        ),
        (
            1_546_257_600_000.0,
            "2018-12-31 F=1 d=365 W=1 X=2019 w=1 x=1 Monday",
        ),
        (
            1_546_344_000_000.0,
            "2019-01-01 F=2 d=1 W=1 X=2019 w=1 x=1 Tuesday",
        ),
        (
            1_609_502_400_000.0,
            "2021-01-01 F=5 d=1 W=53 X=2020 w=5 x=12 Friday",
        ),
        (
            1_609_761_600_000.0,
            "2021-01-04 F=1 d=4 W=1 X=2021 w=1 x=1 Monday",
        ),
        (
            1_582_977_600_000.0,
            "2020-02-29 F=6 d=60 W=9 X=2020 w=4 x=2 Saturday",
        ),
        (
            1_590_926_400_000.0,
            "2020-05-31 F=7 d=152 W=22 X=2020 w=4 x=5 Sunday",
        ),
        (
            1_591_012_800_000.0,
            "2020-06-01 F=1 d=153 W=23 X=2020 w=1 x=6 Monday",
        ),
        (
            1_627_819_200_000.0,
            "2021-08-01 F=7 d=213 W=30 X=2021 w=5 x=7 Sunday",
        ),
    ];
    for (millis, want) in cases {
        assert_eq!(fm(millis, pic), want);
    }
    assert_eq!(
        fm(-62_198_755_200_000.0, "[Y] [Y0001] [YI] [Yw] [X] [W]"),
        "-1 -0001 -I -one -2 53"
    );
    assert_eq!(fm(-62_198_755_200_000.0, "[Y01] [Y,2]"), "-01 -01");
}

#[test]
fn presentations_and_widths() {
    assert_eq!(fm(T, "[Y,2]"), "18");
    assert_eq!(fm(T, "[YI] [MI] [Di]"), "MMXVIII III xxiii");
    assert_eq!(
        fm(T, "[Yw] [MW] [DWw]"),
        "two thousand and eighteen THREE Twenty-Three"
    );
    assert_eq!(fm(T, "[Da] [MA]"), "w C");
    assert_eq!(fm(T, "[[[Y]]]"), "[2018]");
    assert_eq!(fm(T, "[Y]]"), "2018]");
    assert_eq!(fm(T, "[ M01 ]"), "03");
    assert_eq!(fm(T, "[M,5]"), "00003");
    assert_eq!(fm(T, "[M01,1-2]"), "03");
    assert_eq!(fm(T, "[MNn,*-3]"), "Mar");
    assert_eq!(fm(T, "[MN,2]"), "MARCH");
    assert_eq!(fm(T, "[Y0001,2]"), "2018");
    assert_eq!(fm(T, "[Y,4]"), "2018");
    assert_eq!(fm(T, "[Y,*-2]"), "18");
    assert_eq!(fm(T, "[Y01]"), "18");
    assert_eq!(fm(T, "[Y001]"), "018");
    assert_eq!(fm(T, "[Y,3]"), "018");
    assert_eq!(fm(T, "[Y,3-3]"), "018");
    assert_eq!(fm(T, "[Y,2-4]"), "2018");
    assert_eq!(fm(T, "[Y0001,*-2]"), "18");
    assert_eq!(fm(T, "[Y,2-2]"), "18");
    assert_eq!(fm(1_545_000_000_000.0, "[M,1-1] [D,1-1]"), "12 16");
    assert_eq!(fm(T, "[m01,3-3]"), "033");
    assert_eq!(fm(T, "[m,3]"), "033");
    assert_eq!(fm(T, "[m,*-4]"), "33");
    assert_eq!(fm(T, "[MNn,2-2]"), "Ma");
    assert_eq!(fm(T, "[MN,*-1]"), "M");
    assert_eq!(fm(T, "[FN,2]"), "FRIDAY");
    assert_eq!(fm(T, "[MNn,10]"), "March");
    assert_eq!(fm(T, "[Mn]"), "march");
    assert_eq!(fm(T, "[Mi,2]"), "iii");
    assert_eq!(fm(T, "[D01o]"), "23rd");
    assert_eq!(fm(T, "[Dwo]"), "twenty-third");
    assert_eq!(fm(T, "[DWwo]"), "Twenty-Third");
    assert_eq!(fm(T, "[D1t]"), "23");
    assert_eq!(fm(T, "[D1c]"), "23");
    assert_eq!(fm(T, "[Pn] [PN]"), "am AM");
    assert_eq!(fm(1_521_840_000_000.0, "[h] [P] [H] [h01]"), "9 pm 21 09");
    assert_eq!(fm(1_521_849_600_000.0, "[h] [P] [H]"), "12 am 0");
    assert_eq!(fm(1_521_800_705_000.0, "[m] [s] [H] [h]"), "25 05 10 10");
}

#[test]
fn widths_and_odd_presentations() {
    let t = 1_520_294_400_000.0; // 2018-03-06T00:00:00Z
    assert_eq!(
        fm(
            t,
            "[D1,*-2]|[D1,*-3]|[D,*-2]|[D01,*-3]|[D001,1-1]|[D001,1]|[D001,2-2]|[D1,2]|[D1,3-4]|[D1,1-3]|[D,3]|[D,*-1]|[m,*-4]|[m,*-2]|[m1,*-2]|[M,*-2]|[M1,*-2]|[M01,*-1]|[M001,*-2]"
        ),
        "06|006|06|006|6|006|06|06|0006|006|006|6|00|00|0|03|03|3|03"
    );
    assert_eq!(
        fm(
            t,
            "[Y0001,2]|[Y0001,2-2]|[Y0001,3]|[Y1,*-2]|[Y,*-3]|[Y01,3-3]|[Y01,1-1]|[Y001,1-1]"
        ),
        "2018|18|2018|18|018|018|8|8"
    );
    assert_eq!(
        fm(
            t,
            "H[H,*-3]|h[h,*-3]|s[s,*-3]|f[f,*-3]|d[d,*-4]|W[W,*-3]|w[w,*-3]|X[X,*-5]|x[x,*-3]|F[F1,*-3]|m[m01,*-3]|s[s1,*-3]|m[m,2-3]|H[H1,2-3]|f[f1,2-3]|m[m1,2-3]"
        ),
        "H0|h12|s00|f0|d65|W10|w2|X2018|x3|F2|m00|s0|m00|H00|f00|m00"
    );
    assert_eq!(fm(t, "[xN]|[xNn]|[xn]|[x1]"), "MARCH|March|march|3");
    assert_eq!(fm(t, "[EN]|[CN]|[En]|[C1]|[E1]"), "ISO|ISO|ISO|ISO|ISO");
    for p in [
        "[dN]", "[DN]", "[HN]", "[mN]", "[WN]", "[wN]", "[XN]", "[hN]", "[sN]",
    ] {
        assert_eq!(fm(t, p), "D3133", "{p}");
    }
    // [P] is a name whatever its presentation.
    assert_eq!(
        fm_tz(
            1_534_430_503_845.0,
            "[Pa,3-3]-[Z01:01t,2-4]-",
            Some("+0000")
        ),
        "pm-Z-"
    );
    assert_eq!(
        fm_tz(6_931_453_913_450.0, "[f0]T[Pw]", Some("+1400")),
        "450Tpm"
    );
    assert_eq!(
        fm_tz(1_663_316_607_475.0, "[PA] [En] ", Some("+1400")),
        "pm ISO "
    );
    assert_eq!(fm(6_782_854_318_618.0, "[Y0,4]/[P01:01t,2]T"), "2184/amT");
    assert_eq!(
        fm_tz(898_115_158_081.0, "[HW,2][z1o,3-3]T", Some("+0530")),
        "ONEGMT+5:30T"
    );
    assert_eq!(
        fm_tz(-1_995_525_836_945.0, "[dwo,*-1]:[Z1o,3-3]T", Some("-0500")),
        "two hundred and eightieth:-5T"
    );
    assert_eq!(fm(6_902_134_239_673.0, "[M9,2]:[D0101,1-1]"), "09:19");
    assert_eq!(
        fm_tz(231_621_086_597.0, "[si]/[D01:01t,3-3]", Some("-0800")),
        "xxvi/0:04"
    );
    assert_eq!(
        fm_tz(-133_440_971_375.0, "[hA,*-1][D01:01,3-3]-", Some("+1400")),
        "C0:10-"
    );
    assert_eq!(fm(3_949_122_212_827.0, "[Y#1]/[x9]:[x]"), "95/2:2");
    assert_eq!(
        fm_tz(-2_915_823_936_463.0, "[z,2-4]-[Y#1,2]T[Pw]-", Some("-1100")),
        "GMT-11:00-877Tpm-"
    );
    assert_eq!(
        fm_tz(965_860_605_239.0, "[Y01:01,3-3][DW]-", Some("-0330")),
        "0:00NINE-"
    );
    assert_eq!(
        fm_tz(-2_952_098_847.0, "[Za][WN,4] [ww,2-4]/", Some("+1400")),
        "D3134"
    );
    assert_eq!(
        fm_tz(
            -2_729_532_003_403.0,
            "[FNn,4]-[YA,3-3][Hw,4]T",
            Some("-0330")
        ),
        "Wednesday-AGYzeroT"
    );
    assert_eq!(
        fm_tz(5_249_409_198_760.0, "[ha,1-1]T[Y01:01,1-1]:", Some("+0530")),
        "fT6:"
    );
    assert_eq!(
        fm_tz(
            -2_037_020_206_452.0,
            "[m01:01,*-2]:[E#1,*-1]-[h001,2]-",
            Some("-0500")
        ),
        "00:03:ISO-004-"
    );
    assert_eq!(
        fm_tz(5_568_634_986_877.0, "[D01:01t,1-1]T", Some("+0100")),
        "18T"
    );
    assert_eq!(
        fm_tz(5_605_252_802_371.0, "[xN,*-2][w0101,*-2] ", Some("+1245")),
        "AU0003 "
    );
    assert_eq!(
        fm_tz(
            -399_434_745_312.0,
            "[d9,3-3] [F0001,*-2]T[D001,1-1]",
            Some("+1245")
        ),
        "126 0001T6"
    );
}

#[test]
fn fractional_seconds() {
    assert_eq!(fm(T, "[f]"), "617");
    assert_eq!(fm(T, "[f1]"), "617");
    assert_eq!(fm(T, "[f01]"), "617");
    assert_eq!(fm(T, "[f000001]"), "000617");
    assert_eq!(fm(T, "[f,2-2]"), "617");
    assert_eq!(fm(T, "[f,1-1]"), "617");
    assert_eq!(fm(T, "[f,4-4]"), "0617");
    assert_eq!(fm(T, "[f001,4]"), "0617");
    assert_eq!(fm(T, "[f0]"), "617");
    assert_eq!(fm(T - 5.0, "[f0001]"), "0612");
    assert_eq!(fm(1_521_801_216_001.0, "[f1]"), "1");
}

#[test]
fn timezones() {
    assert_eq!(
        fm(T, "[Z] [Z01:01] [Z0101] [Z01] [Z0] [z] [Z0:00t]"),
        "+00:00 +00:00 +0000 +00 +0 GMT+00:00 Z"
    );
    assert_eq!(
        fm_tz(T, "[H01]:[m01] [z]", Some("-0500")),
        "05:33 GMT-05:00"
    );
    assert_eq!(fm_tz(T, "[H01]:[m01] [Z]", Some("+0530")), "16:03 +05:30");
    assert_eq!(fm_tz(T, "[H01]:[m01] [Z0]", Some("+0530")), "16:03 +5:30");
    assert_eq!(
        fm_tz(T, "[H01]:[m01] [z]", Some("+0000")),
        "10:33 GMT+00:00"
    );
    assert_eq!(fm_tz(T, "[H01]:[m01] [Z01:01t]", Some("+0000")), "10:33 Z");
    assert_eq!(
        fm_tz(
            T,
            "[Z0]|[Z01]|[Z1]|[Z001]|[Z0001]|[Z01:01]|[Z1:01]|[z0]|[Z0t]|[z]",
            Some("+0530")
        ),
        "+5:30|+05:30|+5:30|+530|+0530|+05:30|+5:30|GMT+5:30|+5:30|GMT+05:30"
    );
    assert_eq!(
        fm_tz(
            T,
            "[Z0] [Z01] [Z1] [Z001] [Z0001] [Z01:01] [Z1:01] [z0] [Z0t]",
            Some("-0500")
        ),
        "-5 -05 -5 -500 -0500 -05:00 -5:00 GMT-5 -5"
    );
    // jsonata-js reads -0530 as -6 hours and -30 minutes.
    assert_eq!(
        fm_tz(T, "[Z0]|[Z01]|[Z001]|[Z1:01]|[z]|[H]:[m]", Some("-0530")),
        "-6:-30|-06:-30|-630|-6:30|GMT-06:30|4:03"
    );
    assert_eq!(
        fm_tz(T, "[Z0]|[Z01]|[Z001]|[Z1:01]|[z]|[H]:[m]", Some("-0330")),
        "-4:-30|-04:-30|-430|-4:30|GMT-04:30|6:03"
    );
    assert_eq!(
        fm_tz(T, "[Z0]|[Z01]|[Z001]|[Z1:01]|[z]|[H]:[m]", Some("+1245")),
        "+12:45|+12:45|+1245|+12:45|GMT+12:45|23:18"
    );
    assert_eq!(
        fm_tz(T, "[Z0101t]|[z01:01t]|[Z0:00]", Some("+0000")),
        "Z|Z|+0:00"
    );
    assert_eq!(fm_tz(T, "[Z01.01]", Some("-0500")), "-05.00");
    assert_eq!(fm_tz(T, "[Z,2]", Some("+0530")), "+05:30");
    assert_eq!(fm_tz(T, "[Z0101,2]", Some("+0530")), "+0530");
    assert_eq!(fm_tz(T, "[H]", Some("0500")), "15");
    assert_eq!(fm_tz(T, "[H]", Some("+5")), "10");
    assert_eq!(fm_tz(T, "[H]:[m] [Z]", Some("+05")), "10:38 +00:05");
    assert_eq!(fm_tz(T, "[H]:[m] [Z]", Some("-0030")), "9:03 -01:30");
    assert_eq!(fm_tz(T, "[H]:[m] [Z]", Some("+1400")), "0:33 +14:00");
    assert_eq!(fm_tz(T, "[H]:[m] [Z]", Some("+9999")), "15:12 +99:99");
    assert_eq!(fm_tz(T, "[H01]:[m01]", Some("-0000")), "10:33");
}

#[test]
fn picture_errors() {
    assert_eq!(fm(T, "[Y"), "D3135");
    assert_eq!(fm(T, "[Q]"), "D3132");
    assert_eq!(fm(T, "[]"), "D3132");
    assert_eq!(fm(T, "[YN]"), "D3133");
    assert_eq!(fm(T, "[Z010101]"), "D3134");
    for p in ["[Zt]", "[ZN]", "[Z#]", "[Zw]", "[Zi]", "[Zo]"] {
        assert_eq!(fm_tz(T, p, Some("+0530")), "D3134", "{p}");
    }
    assert_eq!(fm(T, "[f#]"), "D3130");
    assert_eq!(fm(T, "[Mo]"), "D3130");
    let e = from_millis(T, Some("[Z010101]"), None).expect_err("D3134");
    assert_eq!(
        e.message,
        "The timezone integer format specifier cannot have more than four digits"
    );
}

#[test]
fn iso_timestamps() {
    assert_eq!(iso("2017-11-07T15:07:51.000Z"), "1510067271000");
    assert_eq!(iso("2017-11-07T15:07:51Z"), "1510067271000");
    assert_eq!(iso("2017-11-07T15:07:51"), "1510067271000");
    assert_eq!(iso("2017-11-07"), "1510012800000");
    assert_eq!(iso("2017-11"), "1509494400000");
    assert_eq!(iso("2017"), "1483228800000");
    assert_eq!(iso("2017-11-07T15:07:51.5+01:00"), "1510063671500");
    assert_eq!(iso("2017-11-07T15:07:51.123456+0100"), "1510063671123");
    assert_eq!(iso("2017-11-07T15:07:51-0100"), "1510070871000");
    assert_eq!(iso("2017-11-07T15:07:51.1234Z"), "1510067271123");
    assert_eq!(iso("2017-02-30"), "1488412800000");
    assert_eq!(iso("2017T10:00:00"), "1483264800000");
    assert_eq!(iso("2017-11T10:00:00Z"), "1509530400000");
    assert_eq!(iso("2017Z"), "1483228800000");
    assert_eq!(iso("2017-11-07Z"), "1510012800000");
    assert_eq!(iso("2017-11-07T24:00:00Z"), "1510099200000");
    assert_eq!(iso("0000-01-01"), "-62167219200000");
    assert_eq!(iso("2017-11-07T15:07:51.0000000001Z"), "1510067271000");
    assert_eq!(iso("2017-02-29"), "1488326400000");
    assert_eq!(iso("2017-02-31"), "1488499200000");
    assert_eq!(iso("2017-11-07T15:07:51.999999Z"), "1510067271999");
    assert_eq!(iso("2017.5"), "1493596800000");
    assert_eq!(iso("6060-12.12Z"), "129097843200000");
    assert_eq!(iso("7102-01.5Z"), "161950579200000");
    assert_eq!(iso("9188-10.12"), "227802672000000");
    assert_eq!(iso("2017-11-07T15:07:51.5"), "1510067271500");
    assert_eq!(iso("2017-11-07T15:07:51+23:59"), "1509980931000");
    assert_eq!(iso("2017-02-29T00:00:00Z"), "1488326400000");
    assert_eq!(iso("2017-11-31T00:00:00Z"), "1512086400000");
    assert_eq!(iso("2017-11-07T15:07:51.123-0130"), "1510072671123");
    assert_eq!(iso("2017-11T10:00:00+01:00"), "1509526800000");
    assert_eq!(iso("2017T10:00:00+01:00"), "1483261200000");
    assert_eq!(iso("2017-11Z"), "1509494400000");
    assert_eq!(iso("2017-11-07T10:00:00.5-0100"), "1510052400500");
    assert_eq!(iso("1969-12-31T23:59:59.9999Z"), "-1");
    assert_eq!(iso("9999-12-31T23:59:59.999Z"), "253402300799999");
    assert_eq!(iso("2017-04-31T23:00:00Z"), "1493679600000");
}

#[test]
fn iso_invalid() {
    for nan in [
        "2017-11-07T25:07:51Z",
        "2017-13-07",
        "2017-11-07-08",
        "2017-11-07+01:00",
        "2017-11-07T15:07:51+2900",
        "2017-00-01",
        "2017-11-00",
        "2017-11-07.5",
        "2017+01:00",
        "2017-11+0100",
        "2017-11-07T10:00:00T11:00:00",
        "2017-11-07T24:00:01Z",
        "2017-11-07T24:00:00.001Z",
        "2017-11-07T15:07:51+24:00",
        "2017-11-07-0100",
        "2017-19-07",
        "2017-11-39",
        "2017-11-32",
        "2017-02-00T00:00:00Z",
    ] {
        assert_eq!(iso(nan), "NaN", "{nan}");
    }
    for bad in [
        "2017-11-07T15:07",
        "foo",
        "",
        "2017-11-07T15:07:51.Z",
        "2017-11-07T15:07:51+01:60",
        "2017-11-07T15:07:51.+01:00",
        " 2017",
        "2017-11-07T10:00:00-01",
        "2017-1",
        "-001-01-01",
    ] {
        assert_eq!(iso(bad), "D3110", "{bad}");
    }
    let e = parse_iso("foo").expect_err("D3110");
    assert_eq!(
        e.message,
        "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given \"foo\""
    );
}

#[test]
fn parse_with_pictures() {
    assert_eq!(tm("2018-03-23", "[Y0001]-[M01]-[D01]"), "1521763200000");
    assert_eq!(tm("23/03/2018", "[D01]/[M01]/[Y0001]"), "1521763200000");
    assert_eq!(tm("23/3/2018", "[D]/[M]/[Y]"), "1521763200000");
    assert_eq!(
        tm("2018-03-23 10:33:36", "[Y]-[M]-[D] [H]:[m]:[s]"),
        "1521801216000"
    );
    assert_eq!(
        tm("2018-03-23 10:33:36.617", "[Y]-[M]-[D] [H]:[m]:[s].[f]"),
        "1521801216617"
    );
    assert_eq!(tm("23rd March 2018", "[D1o] [MNn] [Y]"), "1521763200000");
    assert_eq!(
        tm("Friday, 23rd March 2018", "[FNn], [D1o] [MNn] [Y]"),
        "1521763200000"
    );
    assert_eq!(tm("Mar 23, 2018", "[MNn,3-3] [D], [Y]"), "1521763200000");
    assert_eq!(tm("2018", "[Y]"), "1514764800000");
    assert_eq!(tm("2018-82", "[Y]-[d]"), "1521763200000");
    assert_eq!(tm("10:33", "[H]:[m]"), "1796121180000");
    assert_eq!(tm("10:33 pm", "[h]:[m] [P]"), "1796164380000");
    assert_eq!(tm("12:33 am", "[h]:[m] [P]"), "1796085180000");
    assert_eq!(tm("10:33", "[h]:[m]"), "1796121180000");
    assert_eq!(tm("pm", "[P]"), "1796126400000");
    assert_eq!(tm("12 pm", "[h] [P]"), "1796126400000");
    assert_eq!(
        tm("2018-03-23T10:33:36+05:30", "[Y]-[M]-[D]T[H]:[m]:[s][Z]"),
        "1521781416000"
    );
    assert_eq!(
        tm(
            "2018-03-23T10:33:36 GMT-05:00",
            "[Y]-[M]-[D]T[H]:[m]:[s] [z]"
        ),
        "1521819216000"
    );
    assert_eq!(tm("2018-03", "[Y]-[M]"), "1519862400000");
    assert_eq!(tm("03-23", "[M]-[D]"), "1774224000000");
    assert_eq!(tm("MMXVIII", "[YI]"), "1514764800000");
    assert_eq!(tm("two thousand and eighteen", "[Yw]"), "1514764800000");
    assert_eq!(tm("2018 xx", "[Y] xx"), "1514764800000");
    assert_eq!(tm("20180323", "[Y0001][M01][D01]"), "1521763200000");
    assert_eq!(tm("2018323", "[Y][M][D]"), "574749648000000");
    assert_eq!(tm("18-03-23", "[Y01]-[M]-[D]"), "-1633996800000");
    assert_eq!(tm("2018-02-30", "[Y]-[M]-[D]"), "1519948800000");
    assert_eq!(tm("2018-13-01", "[Y]-[M]-[D]"), "1546300800000");
    assert_eq!(tm("10", "[H]"), "1796119200000");
    assert_eq!(tm("36", "[s]"), "1796164656000");
    assert_eq!(tm("1:02", "[m]:[s]"), "1796162462000");
    assert_eq!(
        tm("2018 Mar 23 Sat", "[Y] [MNn,3-3] [D] [FNn,3-3]"),
        "1521763200000"
    );
    assert_eq!(
        tm("2018-03-23 6 pm", "[Y]-[M]-[D] [h] [P]"),
        "1521828000000"
    );
    assert_eq!(
        tm("2018-03-23 6 PM", "[Y]-[M]-[D] [h] [P]"),
        "1521828000000"
    );
    assert_eq!(
        tm("2018-03-23 12 pm", "[Y]-[M]-[D] [h] [P]"),
        "1521806400000"
    );
    assert_eq!(tm("2018-03-23 +5", "[Y]-[M]-[D] [Z0]"), "1521745200000");
    assert_eq!(tm("2018-03-23 -05", "[Y]-[M]-[D] [Z01]"), "1521781200000");
    assert_eq!(
        tm("twenty-third of March, 2018", "[Dwo] of [MNn], [Y]"),
        "1521763200000"
    );
    assert_eq!(tm("xxiii III MMXVIII", "[Di] [MI] [YI]"), "1521763200000");
    assert_eq!(tm("2018-03-23 10", "[Y]-[M]-[D] [H]"), "1521799200000");
    assert_eq!(tm("2018 March 23 x", "[Y] [MNn] [D] x"), "1521763200000");
    assert_eq!(tm("March 23 2018", "[MNn] [D] [Y]"), "1521763200000");
    assert_eq!(tm("2018 23 March", "[Y] [D] [MNn]"), "1521763200000");
    assert_eq!(tm("2018 March 23 10", "[Y] [MNn] [D] [H]"), "1521799200000");
    assert_eq!(tm("2018 March", "[Y] [MNn]"), "1519862400000");
    assert_eq!(tm("March", "[MNn]"), "1772323200000");
    assert_eq!(tm("2018 3 82", "[Y] [M] [d]"), "1519862400000");
    assert_eq!(tm("3 82", "[M] [d]"), "1772323200000");
    assert_eq!(tm("2018 12", "[Y] [W]"), "1514764800000");
    assert_eq!(tm("5 2018", "[F1] [Y]"), "1514764800000");
    assert_eq!(
        tm("2018-03-23 10:33:36 pm", "[Y]-[M]-[D] [H]:[m]:[s] [P]"),
        "1521801216000"
    );
    assert_eq!(
        tm("2018-03-23 22:33:36 pm", "[Y]-[M]-[D] [h]:[m]:[s] [P]"),
        "1521887616000"
    );
    assert_eq!(
        tm("2018-03-23 10:33:36.5", "[Y]-[M]-[D] [H]:[m]:[s].[f]"),
        "1521801216005"
    );
    assert_eq!(
        tm("2018-03-23 10:33:36.1234", "[Y]-[M]-[D] [H]:[m]:[s].[f]"),
        "1521801217234"
    );
    assert_eq!(
        tm("2018-03-23T10:33:36+0530", "[Y]-[M]-[D]T[H]:[m]:[s][Z0101]"),
        "1521781416000"
    );
    assert_eq!(
        tm("2018-03-23T10:33:36+05", "[Y]-[M]-[D]T[H]:[m]:[s][Z01]"),
        "1521783216000"
    );
    assert_eq!(
        tm("2018-03-23T10:33:36+5:30", "[Y]-[M]-[D]T[H]:[m]:[s][Z1:01]"),
        "1521781416000"
    );
    assert_eq!(
        tm("2018-03-23T10:33:36-05:30", "[Y]-[M]-[D]T[H]:[m]:[s][Z]"),
        "1521817416000"
    );
    assert_eq!(
        tm("2018-03-23T10:33:36GMT+05:30", "[Y]-[M]-[D]T[H]:[m]:[s][z]"),
        "1521781416000"
    );
    assert_eq!(
        tm(
            "2018-03-23T10:33:36 +05:30",
            "[Y]-[M]-[D]T[H]:[m]:[s] [Z01:01t]"
        ),
        "1521781416000"
    );
    assert_eq!(
        tm("2018-03-23 9:05:07", "[Y]-[M]-[D] [H01]:[m01]:[s01]"),
        "1521795907000"
    );
    assert_eq!(tm("2018-03-23 001", "[Y]-[M]-[D] [H01]"), "1521766800000");
    assert_eq!(tm("2018-3-03x", "[Y]-[M]-[D01]x"), "1520035200000");
    assert_eq!(tm("2018-3-3", "[Y]-[M]-[D1]"), "1520035200000");
    assert_eq!(tm("2018-3-23rd", "[Y]-[M]-[D1o]"), "1521763200000");
    assert_eq!(tm("2018-3-03rd", "[Y]-[M]-[D01o]"), "1520035200000");
    assert_eq!(tm("2018-iii-23", "[Y]-[Mi]-[D]"), "1521763200000");
    assert_eq!(tm("2018-c-23", "[Y]-[Ma]-[D]"), "1521763200000");
    assert_eq!(tm("2018-March-23", "[Y]-[MNn]-[D]"), "1521763200000");
    assert_eq!(tm("2018-3-23", "[Y1]-[M#1]-[D]"), "1521763200000");
}

#[test]
fn parse_component_rules() {
    // Expected values from jsonata-js 2.0.6 with the clock at NOW.
    assert_eq!(tm("JAN", "[MN,3-3]"), format!("{NOW}"));
    assert_eq!(tm("10x6:JUN", "[h]x[M]:[MN,3-3]"), "1796119200000");
    assert_eq!(tm("3rd MAY +0", "[D1o] [MN,3-3] [Z0]"), "1796256000000");
    assert_eq!(tm("115T29", "[d]T[m01]"), "1777156140000");
    assert_eq!(
        tm("am/27TJanuary-JAN", "[P]/[m]T[MNn]-[MN,3-3]"),
        "1796164020000"
    );
    assert_eq!(tm("05-am", "[M01]-[P]"), "1777593600000");
    assert_eq!(tm("pm-21", "[P]-[D01]"), "1797854400000");
    assert_eq!(tm("am", "[P]"), format!("{NOW}"));
    assert_eq!(
        tm("34.18:28:8/am", "[m01].[s01]:[D01]:[H]/[P]"),
        "1798446858000"
    );
    assert_eq!(
        tm("6:+00:00:33x443T18.30", "[h]:[Z]:[m01]x[f]T[H].[s]"),
        "1796150010443"
    );
    assert_eq!(
        tm(
            "09xtwenty-ninth pm, 17 37:1946",
            "[M01]x[Dwo] [P], [H] [m]:[Y0001]"
        ),
        "-733904580000"
    );
    assert_eq!(tm("0", "[M]"), "1767225600000");
    assert_eq!(tm("23-24T24", "[H01]-[m]T[m01]"), "1796167440000");
    assert_eq!(tm("31T24x1-16", "[m]T[D]x[F1]-[H01]"), "1798129860000");
    assert_eq!(
        tm(
            "Julyx2108, 2, 2108-third 18",
            "[MNn]x[Y0001], [F1], [X]-[Dwo] [H]"
        ),
        "4370781600000"
    );
    assert_eq!(
        tm("xii, 03-31st-12-2037", "[Mi], [H01]-[D1o]-[M01]-[X]"),
        "1798686000000"
    );
    assert_eq!(tm("GMT+00:10", "[z]"), format!("{}", NOW - 600_000));
    assert_eq!(
        tm(
            "12:2096T14:second.s cond, 32",
            "[M]:[Y0001]T[s01]:[Dwo].[Dwo], [m]"
        ),
        "undefined"
    );
    for (text, picture) in [
        ("iT14-7x18, 60", "[Mi]T[m01]-[h]x[D], [Y,2]"),
        ("39-4.+00:00, 27", "[m]-[h].[Z], [D]"),
        ("769 2068.41, 38x28", "[f] [X].[m], [W]x[s]"),
        ("43-40:+00:00", "[W]-[s01]:[Z]"),
        ("2125/am, pm, 11", "[Y]/[P], [P], [M01]"),
        ("pm, v", "[P], [Mi]"),
        ("Saturday 2-aAN", "[FNn] [W]-[MN,3-3]"),
        ("2018 Marc 23", "[Y] [MNn,3-3] [D]"),
        ("2018 March 23", "[Y] [MNn,3-3] [D]"),
        ("2018 Mar 23", "[Y] [MNn] [D]"),
        ("2018-03-23 6", "[Y]-[M]-[D] [h]"),
    ] {
        assert_eq!(tm(text, picture), "D3136", "{text} {picture}");
    }
}

#[test]
fn parse_no_match_and_errors() {
    for (text, picture) in [
        ("2018-03-23T10:33:36Z", "[Y]-[M]-[D]T[H]:[m]:[s][Z01:01t]"),
        ("foo", "[Y]-[M]-[D]"),
        ("2018 xx", "[Y] yy"),
        ("  2018-03-23", "[Y]-[M]-[D]"),
        ("2018-03-23  ", "[Y]-[M]-[D]"),
        ("2018-3-23", "[Y]-[M01]-[D]"),
        ("2018-03-23 +0530", "[Y]-[M]-[D] [Z]"),
        ("2018-03-23 +05:30", "[Y]-[M]-[D] [Z0101]"),
        ("2018-03-23 Z", "[Y]-[M]-[D] [Z]"),
        ("2018-03-23 GMT+5", "[Y]-[M]-[D] [z]"),
        ("2018-03-23 -0530", "[Y]-[M]-[D] [Z]"),
        ("2018-03-23 10:33:36", "[Y]-[M]-[D] [H]:[m]"),
        ("2018-03-23", "[Y]-[M]-[D] [m]"),
        ("2018-3-23", "[Y,4]-[M,2]-[D,2]"),
        ("2018-03-23", "[Y,2]-[M,2]-[D,2]"),
        ("-2018-03-23", "[Y]-[M]-[D]"),
        ("2018-03-23T10:33:36+05:30", "[Y]-[M]-[D]T[H]:[m]:[s][Z0]"),
        ("12018-03-23", "[Y0001]-[M]-[D]"),
        ("2018-3-3", "[Y]-[M]-[D01]"),
        ("2018-3-23", "[Y]-[M]-[D1o]"),
        ("xx", "xx"),
    ] {
        assert_eq!(tm(text, picture), "undefined", "{text} {picture}");
    }
    for (text, picture, code) in [
        ("2018-23", "[Y]-[D]", "D3136"),
        ("2018-W12-5", "[X]-W[W]-[F1]", "D3136"),
        ("2018-03-23 33", "[Y]-[M]-[D] [m]", "D3136"),
        ("2018-03-23 6", "[Y]-[M]-[D] [f]", "D3136"),
        ("2018-03-23 10:36", "[Y]-[M]-[D] [H]:[s]", "D3136"),
        ("2018 pm", "[Y] [P]", "D3136"),
        ("2018-03-23", "[Y]-[M]-[Q]", "D3132"),
        ("2018-03-23", "[Y]-[M]-[D", "D3135"),
        ("2018 03 23", "[Y#]", "D3130"),
        ("2018-03-23 ISO", "[Y]-[M]-[D] [E]", "D3133"),
    ] {
        assert_eq!(tm(text, picture), code, "{text} {picture}");
    }
}

#[test]
fn calendar_round_trip() {
    for days in [-1_000_000i64, -719_468, -1, 0, 1, 17_000, 2_932_896] {
        let (y, m, d) = civil_from_days(days);
        assert_eq!(days_from_civil(y, m, d), days);
    }
    assert_eq!(civil_from_days(0), (1970, 1, 1));
    assert_eq!(civil_from_days(17_613), (2018, 3, 23));
}

use crate::jsonata::stdlib::run_on_empty_object as run;

#[test]
fn through_the_evaluator() {
    use serde_json::json;
    // From jsonata-js 2.0.6.
    for expr in [
        "$fromMillis(nothing)",
        "$toMillis(nothing)",
        "$toMillis(nothing, \"[Y]\")",
    ] {
        assert_eq!(run(expr), Ok(None), "{expr}");
    }
    assert_eq!(
        run("$now(\"[Y]\") = $fromMillis($millis(), \"[Y]\")"),
        Ok(Some(json!(true)))
    );
    assert_eq!(run("$now() = $now()"), Ok(Some(json!(true))));
    assert_eq!(run("$type($millis())"), Ok(Some(json!("number"))));
    assert_eq!(run("$millis() > 0"), Ok(Some(json!(true))));
    assert_eq!(
        run("$toMillis(\"2017-11-07T15:07:51Z\") ~> $fromMillis()"),
        Ok(Some(json!("2017-11-07T15:07:51.000Z")))
    );
    assert_eq!(
        run("$fromMillis(1e15)"),
        Ok(Some(json!("3658-09-27T01:46:40.000Z")))
    );
    assert_eq!(
        run("$fromMillis(1521801216617, \"[FNn], [D1o] [MNn] [Y]\", \"-0500\")"),
        Ok(Some(json!("Friday, 23rd March 2018")))
    );
    assert_eq!(run("$fromMillis(null)"), Err("T0410".to_owned()));
    assert_eq!(
        run("$fromMillis(1, \"[Y]\", \"+0100\", 3)"),
        Err("T0410".to_owned())
    );
    assert_eq!(run("$now(null)"), Err("T0410".to_owned()));
    assert_eq!(run("$toMillis(1)"), Err("T0410".to_owned()));
    assert_eq!(run("$toMillis(\"foo\")"), Err("D3110".to_owned()));
    assert_eq!(run("$fromMillis(1, \"[Q]\")"), Err("D3132".to_owned()));
}

/// A small deterministic generator for the robustness test.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn text(&mut self, alphabet: &[char], max_len: u64) -> String {
        let len = self.next() % (max_len + 1);
        (0..len)
            .map(|_| {
                let i = (self.next() % alphabet.len() as u64) as usize;
                alphabet.get(i).copied().unwrap_or('0')
            })
            .collect()
    }
}

#[test]
fn arbitrary_pictures_do_not_panic() {
    let picture_chars: Vec<char> = "[]YMDdFWwXxHhPmsfZzCEQNnoct0123456789#,-*:;. aAiIwW\u{660}t"
        .chars()
        .collect();
    let text_chars: Vec<char> = "0123456789-+:TZ. ,apmMarchFidyGMTxiv".chars().collect();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let millis = [
        0.0,
        T,
        -1.0,
        8.64e15,
        -8.64e15,
        1e20,
        1.5,
        -62_198_755_200_000.0,
    ];
    for i in 0..3000 {
        let picture = rng.text(&picture_chars, 24);
        let text = rng.text(&text_chars, 24);
        let m = millis.get(i % millis.len()).copied().unwrap_or(0.0);
        let tz = ["+0530", "-0330", "xyz", "+9999", ""].get(i % 5).copied();
        let _ = from_millis(m, Some(&picture), tz);
        let _ = to_millis(&text, Some(&picture), NOW);
        let _ = to_millis(&text, None, NOW);
    }
    // Extreme values in pictures and widths.
    let _ = from_millis(
        T,
        Some("[Y,999999-999999][M,1000][f0000000000000000000]"),
        None,
    );
    let _ = to_millis(
        "99999999999999999999-99999999999-9999999999",
        Some("[Y]-[M]-[D]"),
        NOW,
    );
    let _ = to_millis("1", Some("[d]"), NOW);
    let _ = to_millis("99999999999999", Some("[d]"), NOW);
    let _ = to_millis("5", Some("[Y00000000000000000000000000000000]"), NOW);
}
