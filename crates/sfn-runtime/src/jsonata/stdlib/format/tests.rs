//! Tests of the number formatting functions. Expected values come from
//! running jsonata-js 2.0.6.

use super::*;

fn fmt(value: f64, picture: &str) -> String {
    match format_number(value, picture, None) {
        Ok(s) => s,
        Err(e) => e.code.to_owned(),
    }
}

fn fmt_with(value: f64, picture: &str, options: &[(&str, &str)]) -> String {
    let mut o = Object::new();
    for (k, v) in options {
        o.insert((*k).to_owned(), Value::string(*v));
    }
    match format_number(value, picture, Some(&o)) {
        Ok(s) => s,
        Err(e) => e.code.to_owned(),
    }
}

// Expected values below come from jsonata-js 2.0.6.

#[test]
fn documented_examples() {
    assert_eq!(fmt(12345.6, "#,###.00"), "12,345.60");
    assert_eq!(fmt(1234.5678, "00.000e0"), "12.346e2");
    assert_eq!(fmt(34.555, "#0.00;(#0.00)"), "34.56");
    assert_eq!(fmt(-34.555, "#0.00;(#0.00)"), "(34.56)");
    assert_eq!(fmt(0.14, "01%"), "14%");
    assert_eq!(fmt_with(0.4857, "###.###\u{2030}", &[]), "485.7\u{2030}");
    assert_eq!(fmt(1234.5678, "#,##0.00"), "1,234.57");
    assert_eq!(
        fmt_with(1234.5678, "00.000E0", &[("exponent-separator", "E")]),
        "12.346E2"
    );
}

#[test]
fn grouping() {
    assert_eq!(fmt(12345678.9, "9,999.99"), "12,345,678.90");
    assert_eq!(fmt(123412345678.9, "9,9,99.99"), "123412345,6,78.90");
    assert_eq!(fmt(1234.56789, "9,99.999"), "12,34.568");
    assert_eq!(fmt(1e20, "#,###"), "100,000,000,000,000,000,000");
    assert_eq!(fmt(1.23456789, "0.000,000"), "1.234,568");
    assert_eq!(fmt(1.2, "0.000,000"), "1.200,000");
    assert_eq!(fmt(12345.0, "#,#"), "1,2,3,4,5");
    assert_eq!(fmt(5.0, "#,#"), "5");
    assert_eq!(fmt(12345.678, "#,#.###,#"), "1,2,3,4,5.678,");
    assert_eq!(fmt(12345.0, "#0,#"), "1,2,3,4,5");
    assert_eq!(fmt(123456789.0, "0,0000,00"), "123,4567,89");
    assert_eq!(fmt(123456789.0, "0,00,00,00"), "1,23,45,67,89");
    assert_eq!(fmt(123456789.0, "00,0000,0000"), "01,2345,6789");
    assert_eq!(fmt(123456789.0, "#,####,####"), "1,2345,6789");
    assert_eq!(fmt(12.0, "#,##0"), "12");
    assert_eq!(fmt(0.0, "#,###"), "0");
    assert_eq!(fmt(1234567.0, "#,##0.###,##"), "1,234,567.,");
    assert_eq!(fmt(1234567.1, "#,##0.##,###"), "1,234,567.1,");
}

#[test]
fn rounding_and_digits() {
    assert_eq!(fmt(-6.0, "000"), "-006");
    assert_eq!(fmt(-1.5, "0"), "-2");
    assert_eq!(fmt(2.5, "0"), "2");
    assert_eq!(fmt(3.5, "0"), "4");
    assert_eq!(fmt(12.5, "0"), "12");
    assert_eq!(fmt(0.125, "0.00"), "0.12");
    assert_eq!(fmt(0.135, "0.00"), "0.14");
    assert_eq!(fmt(1.005, "0.00"), "1.00");
    assert_eq!(fmt(2.675, "0.00"), "2.68");
    assert_eq!(fmt(-0.5, "0"), "-0");
    assert_eq!(fmt(-0.4, "0"), "-0");
    assert_eq!(fmt(-0.0001, "0.00"), "-0.00");
    assert_eq!(fmt(1e-300, "0.00"), "0.00");
    assert_eq!(fmt(-1e-300, "0.00"), "-0.00");
    assert_eq!(fmt(0.000001, "0.000000000"), "0.000001000");
    assert_eq!(fmt(1e-7, "0.000000000"), "0.000000100");
    assert_eq!(fmt(0.1, "0.00000000000000000000"), "0.10000000000000000555");
    assert_eq!(fmt(0.045, "0.0%"), "4.5%");
}

#[test]
fn optional_digits() {
    assert_eq!(fmt(1.0, "#"), "1");
    assert_eq!(fmt(0.0, "#"), "0");
    assert_eq!(fmt(0.5, "#"), "0");
    assert_eq!(fmt(0.0, "0"), "0");
    assert_eq!(fmt(123.456, "#"), "123");
    assert_eq!(fmt(0.0, "#.#"), ".0");
    assert_eq!(fmt(1.0, "#.#"), "1.0");
    assert_eq!(fmt(1.23, "#.#"), "1.2");
    assert_eq!(fmt(0.5, "#.#"), ".5");
    assert_eq!(fmt(1.0, "#.##"), "1.0");
    assert_eq!(fmt(0.01, "#.##"), ".01");
    assert_eq!(fmt(0.001, "#.##"), ".0");
    assert_eq!(fmt(0.0, ".#"), ".0");
    assert_eq!(fmt(1.26, ".#"), "1.3");
    assert_eq!(fmt(0.5, ".#"), ".5");
    assert_eq!(fmt(0.0, ".0"), ".0");
    assert_eq!(fmt(3.0, "#."), "3");
    assert_eq!(fmt(3.0, "0."), "3");
    assert_eq!(fmt(0.0, "#."), "0");
    assert_eq!(fmt(1.2, "0.0#"), "1.2");
    assert_eq!(fmt(1.234, "0.0#"), "1.23");
    assert_eq!(fmt(1.2, "00.0##"), "01.2");
    assert_eq!(fmt(0.14, "#0.00%"), "14.00%");
}

#[test]
fn exponents() {
    assert_eq!(fmt(0.234, "0.0e0"), "2.3e-1");
    assert_eq!(fmt(0.234, "#.00e0"), "0.23e0");
    assert_eq!(fmt(0.123, ".00e0"), ".12e0");
    assert_eq!(fmt(5.0, "#e0"), "0.e1");
    assert_eq!(fmt(12345.0, "#e0"), "0.e5");
    assert_eq!(fmt(12345.0, "0e0"), "1e4");
    assert_eq!(fmt(12345.0, "00e00"), "12e03");
    assert_eq!(fmt(12345.0, ".0e0"), ".1e5");
    assert_eq!(fmt(12345.0, "#.0e0"), "0.1e5");
    assert_eq!(fmt(12345.0, "##0.0e0"), "1.2e4");
    assert_eq!(fmt(0.00012345, "0.00e0"), "1.23e-4");
    assert_eq!(fmt(12345.0, "#.#e0"), "0.1e5");
    assert_eq!(fmt(12345.0, ".#e0"), ".1e5");
    assert_eq!(fmt(12345.0, "#.e0"), "0.1e5");
    assert_eq!(fmt(12345.0, "0.e0"), "1e4");
    assert_eq!(fmt(12345.0, "#0.#e0"), "1.2e4");
    assert_eq!(fmt(0.5, "#0.#e0"), "5e-1");
    assert_eq!(fmt(99999.0, "0.0e0"), "10.0e4");
    assert_eq!(fmt(99999.0, "0e0"), "10e4");
    assert_eq!(fmt(1e-10, "0.0e00"), "1.0e-10");
    assert_eq!(fmt(123.0, "000,0e0"), "1,2,3,0e-1");
    assert_eq!(fmt(123456.0, "0,000.0e0"), "1,234.6e2");
    assert_eq!(fmt(1234.0, "#.###e0"), "0.123e4");
    assert_eq!(fmt(0.000123, "0.000e0"), "1.230e-4");
    assert_eq!(fmt(10.0, "0e0"), "10e0");
    assert_eq!(fmt(1.0, "#.0e0"), "1.0e0");
    assert_eq!(fmt(0.1, "#.0e0"), "0.1e0");
    assert_eq!(fmt(100.0, "00e0"), "100e0");
    assert_eq!(fmt(99.99, "00e0"), "100e0");
    assert_eq!(
        fmt(1.23e-5, "0.0000000000000000e0"),
        "1.2300000000000002e-5"
    );
    assert_eq!(fmt(1.23e5, "0.0000000000000000e0"), "1.2300000000000000e5");
    assert_eq!(fmt(123.0, "0.0e00"), "1.2e02");
    assert_eq!(fmt(1e100, "0.0e0"), "1.0e100");
    assert_eq!(fmt(1e-100, "0.0e0"), "1.0e-100");
    assert_eq!(fmt(12345.0, "0.0e0e"), "1.2e4e");
    // jsonata-js shifts the exponent split by the prefix's length.
    assert_eq!(fmt(437100.0, "(0.0e000"), "(4.4e05");
    assert_eq!(fmt(437100.0, "$$0.0e000"), "$$4.37e5");
    assert_eq!(fmt(437100.0, "(0.0e000)"), "(4.4e05)");
    assert_eq!(fmt(437100.0, "(0.0e00)"), "(4.4e5)");
    assert_eq!(fmt(437100.0, "0.0e00)"), "4.4e05)");
    assert_eq!(fmt(437100.0, "#.#e00 x"), "0.4e06 x");
    assert_eq!(fmt(437100.0, "(0.0e0)"), "D3093");
    assert_eq!(fmt(437100.0, "USD 0.0e000"), "D3093");
    assert_eq!(fmt(910680.0, "(0.e0)"), "D3093");
}

#[test]
fn prefixes_suffixes_and_sub_pictures() {
    assert_eq!(fmt(12345.0, "e#0"), "e12345");
    assert_eq!(fmt(12345.0, "#0 e"), "12345 e");
    assert_eq!(fmt(12345.0, "$#0"), "$12345");
    assert_eq!(fmt(12345.0, "#0 USD"), "12345 USD");
    assert_eq!(fmt(12345.0, "#0%x"), "1234500%x");
    assert_eq!(fmt(12345.0, "%#0"), "%1234500");
    assert_eq!(fmt(0.5, "#,##0.0\u{2030}"), "500.0\u{2030}");
    assert_eq!(fmt(-12345.0, "#0;-#"), "-12345");
    assert_eq!(fmt(-12345.0, "#0;x#0y"), "x12345y");
    assert_eq!(fmt(12.0, "#0 ;-#0 "), "12 ");
    assert_eq!(fmt(1234.5678, "#,##0.00;(#,##0.00)"), "1,234.57");
    assert_eq!(fmt(-1234.5678, "#,##0.00;(#,##0.00)"), "(1,234.57)");
    assert_eq!(fmt(f64::INFINITY, "#"), "Infinity");
    assert_eq!(fmt(f64::NEG_INFINITY, "#"), "-Infinity");
}

#[test]
fn options() {
    assert_eq!(
        fmt_with(
            1234.5,
            "#.##0,00",
            &[("decimal-separator", ","), ("grouping-separator", ".")]
        ),
        "1.234,50"
    );
    assert_eq!(
        fmt_with(1234.5, "#,##0.0", &[("grouping-separator", " ")]),
        "D3086"
    );
    assert_eq!(
        fmt_with(1234.5, "#,##0.0", &[("zero-digit", "\u{660}")]),
        "D3086"
    );
    assert_eq!(
        fmt_with(1234.5, "#,##\u{660}.\u{660}", &[("zero-digit", "\u{660}")]),
        "\u{661},\u{662}\u{663}\u{664}.\u{665}"
    );
    assert_eq!(
        fmt_with(
            1234.5,
            "#,##0.0",
            &[("zero-digit", "\u{660}"), ("decimal-separator", ",")]
        ),
        "\u{661}\u{662}\u{663}\u{664},\u{665}0.0"
    );
    assert_eq!(
        fmt_with(1234.5, "#,##0.0", &[("per-mille", "x")]),
        "1,234.5"
    );
    assert_eq!(fmt_with(1234.5, "@,@@0.0", &[("digit", "@")]), "1,234.5");
    assert_eq!(
        fmt_with(-1234.5, "#,##0.0", &[("minus-sign", "~")]),
        "~1,234.5"
    );
    assert_eq!(
        fmt_with(-1234.5, "#,##0.0|(#)", &[("pattern-separator", "|")]),
        "(1234)"
    );
    assert_eq!(fmt_with(0.5, "#0pc", &[("percent", "pc")]), "50pc");
    assert_eq!(fmt_with(0.5, "#0%", &[("percent", "pc")]), "0%");
    assert_eq!(fmt_with(1.0, "#", &[("foo", "x")]), "1");
}

#[test]
fn picture_errors() {
    assert_eq!(fmt(12345.0, "#0;x#0y;z"), "D3080");
    assert_eq!(fmt(12345.0, "#0.0.0"), "D3081");
    assert_eq!(fmt(12345.0, "#%%"), "D3082");
    assert_eq!(fmt(12345.0, "#\u{2030}\u{2030}"), "D3083");
    assert_eq!(fmt(12345.0, "#%\u{2030}"), "D3084");
    assert_eq!(fmt(1.5, "."), "D3085");
    assert_eq!(fmt(12345.0, "#0x0"), "D3086");
    assert_eq!(fmt(12345.0, "#,.0"), "D3087");
    assert_eq!(fmt(12345.0, "#.,0"), "D3087");
    assert_eq!(fmt(12345.0, "#,"), "D3088");
    assert_eq!(fmt(12345.0, "#,,0"), "D3089");
    assert_eq!(fmt(12345.0, "0,##"), "D3090");
    assert_eq!(fmt(12345.0, "0#"), "D3090");
    assert_eq!(fmt(0.001, "#.#0"), "D3091");
    assert_eq!(fmt(12345.0, "0.#0"), "D3091");
    assert_eq!(fmt(12345.0, "0.0e0%"), "D3092");
    assert_eq!(fmt(12345.0, "#0e"), "D3093");
    assert_eq!(fmt(12345.0, "0.0e#"), "D3093");
    assert_eq!(fmt(12345.0, "0.0e"), "D3093");
    assert_eq!(fmt(12345.0, "0.0ee0"), "D3093");
    // The highest-numbered error wins.
    assert_eq!(fmt(7072700000.0, "(#.#E0\u{2030}"), "D3091");
    assert_eq!(fmt(0.79, "\u{2030}00.0E0%;(#,##,##0.###\u{2030}"), "D3086");
    assert_eq!(fmt(43.357, "USD 0,000.###e00%"), "D3093");
    assert_eq!(fmt(638573.4, "82%e7"), "D3092");
    assert_eq!(fmt(1.23, "e76.e 55"), "D3086");
    assert_eq!(fmt(806.2, ".8\u{2030}.,0 ,"), "D3086");
    assert_eq!(fmt(-73628.6, "62.#48(7#"), "D3086");
    assert_eq!(fmt(1.04, "81)e)4"), "D3093");
    assert_eq!(fmt(5180.0, "%6-e1-"), "D3093");
    assert_eq!(fmt(819.16, "# e.#70 -6"), "D3093");
    assert_eq!(fmt(-590.366542339325, ",2"), "-5,9,0");
    assert_eq!(fmt(0.96, "\u{2030}0.#e00 %"), "D3092");
    let e = format_number(1.0, "#,,0", None).expect_err("D3089");
    assert_eq!(
        e.message,
        "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character"
    );
}

#[test]
fn no_hang_on_zero_or_negative_exponent() {
    assert_eq!(fmt(0.0, "0.00e0"), "0.00e0");
    assert_eq!(fmt(-12345.0, "0.0e0"), "-1.2e4");
}

use crate::jsonata::stdlib::run_on_empty_object as run;

#[test]
fn through_the_evaluator() {
    use serde_json::json;
    // From jsonata-js 2.0.6.
    for expr in [
        "$formatNumber(nothing, \"#\")",
        "$formatBase(nothing)",
        "$formatInteger(nothing, \"0\")",
        "$parseInteger(nothing, \"0\")",
    ] {
        assert_eq!(run(expr), Ok(None), "{expr}");
    }
    assert_eq!(
        run("[1,2.5,1234.5].$formatNumber($, \"#,##0.00\")"),
        Ok(Some(json!(["1.00", "2.50", "1,234.50"])))
    );
    assert_eq!(
        run(
            "$formatNumber(1234.5, \"#.##0,00\", {\"decimal-separator\": \",\", \"grouping-separator\": \".\"})"
        ),
        Ok(Some(json!("1.234,50")))
    );
    assert_eq!(
        run(
            "$formatNumber(1234.5, \"#,##0.00\", {\"decimal-separator\": \",\", \"grouping-separator\": \".\"})"
        ),
        Err("D3091".to_owned())
    );
    assert_eq!(run("$formatBase(255, 16)"), Ok(Some(json!("ff"))));
    assert_eq!(
        run("$formatInteger(1234, \"w\")"),
        Ok(Some(json!("one thousand, two hundred and thirty-four")))
    );
    assert_eq!(run("$parseInteger(\"xii\", \"i\")"), Ok(Some(json!(12))));
    assert_eq!(run("$formatNumber(\"1\", \"#\")"), Err("T0410".to_owned()));
    assert_eq!(
        run("$formatNumber(1, \"#\", \"x\")"),
        Err("T0410".to_owned())
    );
    assert_eq!(run("$formatBase(255, \"16\")"), Err("T0410".to_owned()));
    assert_eq!(run("$formatBase(1, 1)"), Err("D3100".to_owned()));
}

#[test]
fn arbitrary_pictures_do_not_panic() {
    let alphabet: Vec<char> = "#0123456789.,;%\u{2030}eE -()$aAiIwWo\u{660}"
        .chars()
        .collect();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let values = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        1234.5678,
        -98765.4321,
        1e21,
        -1e21,
        1e308,
        5e-324,
        1e-7,
        99999.0,
    ];
    for i in 0..5000 {
        let len = next() % 16;
        let picture: String = (0..len)
            .map(|_| {
                let k = (next() % alphabet.len() as u64) as usize;
                alphabet.get(k).copied().unwrap_or('0')
            })
            .collect();
        let v = values.get(i % values.len()).copied().unwrap_or(0.0);
        let _ = format_number(v, &picture, None);
        if let Ok(p) = integer::analyse(&picture) {
            let _ = integer::format(v, &p);
            let _ = integer::parse(&picture, &p);
        }
        let _ = format_base(v, Some((i % 40) as f64));
    }
}

#[test]
fn format_base_values() {
    // From jsonata-js 2.0.6.
    assert_eq!(format_base(100.0, Some(2.0)), Ok("1100100".to_owned()));
    assert_eq!(format_base(2555.0, Some(16.0)), Ok("9fb".to_owned()));
    assert_eq!(format_base(-255.0, Some(16.0)), Ok("-ff".to_owned()));
    assert_eq!(format_base(100.0, None), Ok("100".to_owned()));
    assert_eq!(format_base(10.5, Some(2.0)), Ok("1010".to_owned()));
    assert_eq!(format_base(11.5, Some(2.0)), Ok("1100".to_owned()));
    assert_eq!(format_base(35.0, Some(36.0)), Ok("z".to_owned()));
    assert_eq!(format_base(0.0, Some(7.0)), Ok("0".to_owned()));
    let e = format_base(1.0, Some(1.0)).expect_err("D3100");
    assert_eq!(e.code, "D3100");
    assert_eq!(
        e.message,
        "The radix of the formatBase function must be between 2 and 36.  It was given 1"
    );
    assert_eq!(
        format_base(1.0, Some(37.0)).map_err(|e| e.code),
        Err("D3100")
    );
}
