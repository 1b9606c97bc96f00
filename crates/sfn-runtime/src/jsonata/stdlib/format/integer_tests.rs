//! Tests of integer pictures. Expected values come from running jsonata-js
//! 2.0.6.

use super::*;

fn fmt(n: f64, picture: &str) -> String {
    match analyse(picture).and_then(|p| format(n, &p)) {
        Ok(s) => s,
        Err(e) => e.code.to_owned(),
    }
}

fn parse_with(text: &str, picture: &str) -> f64 {
    parse(text, &analyse(picture).expect("picture"))
}

// Expected values below come from jsonata-js 2.0.6.

#[test]
fn words() {
    assert_eq!(fmt(123.0, "w"), "one hundred and twenty-three");
    assert_eq!(
        fmt(1234.0, "w"),
        "one thousand, two hundred and thirty-four"
    );
    assert_eq!(fmt(1_000_000.0, "w"), "one million");
    assert_eq!(fmt(1_000_001.0, "w"), "one million and one");
    assert_eq!(
        fmt(123_456_789_012_345_678.0, "W"),
        "ONE HUNDRED AND TWENTY-THREE THOUSAND, FOUR HUNDRED AND FIFTY-SIX TRILLION, SEVEN HUNDRED AND EIGHTY-NINE BILLION, TWELVE MILLION, THREE HUNDRED AND FORTY-FIVE THOUSAND, SIX HUNDRED AND EIGHTY"
    );
    assert_eq!(fmt(1e15, "w"), "one thousand trillion");
    assert_eq!(fmt(1e21, "w"), "one billion trillion");
    assert_eq!(fmt(1e30, "w"), "one million trillion trillion");
    assert_eq!(
        fmt(123_456_789_012_345_678_901_234.0, "w"),
        "one hundred and twenty-three billion, four hundred and fifty-six million, seven hundred and eighty-nine thousand and twelve trillion, three hundred and forty-five billion, six hundred and seventy-seven million, seven hundred and fifty-eight thousand, four hundred and sixty-four"
    );
    assert_eq!(fmt(2_000_000_000_100.0, "w"), "two trillion, one hundred");
    assert_eq!(fmt(101.0, "Ww"), "One Hundred and One");
    assert_eq!(fmt(23.0, "Ww"), "Twenty-Three");
    assert_eq!(fmt(0.0, "w"), "zero");
    assert_eq!(fmt(-5.0, "w"), "-five");
}

#[test]
fn ordinal_words() {
    assert_eq!(fmt(21.0, "w;o"), "twenty-first");
    assert_eq!(fmt(100.0, "w;o"), "one hundredth");
    assert_eq!(fmt(1_000_000.0, "w;o"), "one millionth");
    assert_eq!(fmt(0.0, "w;o"), "zeroth");
    assert_eq!(fmt(12.0, "w;o"), "twelfth");
    assert_eq!(fmt(1001.0, "w;o"), "one thousand and first");
    assert_eq!(fmt(1100.0, "w;o"), "one thousand, one hundredth");
    assert_eq!(fmt(20.0, "w;o"), "twentieth");
    assert_eq!(fmt(90.0, "w;o"), "ninetieth");
    assert_eq!(fmt(3.0, "Ww;o"), "Third");
    assert_eq!(fmt(3.0, "W;o"), "THIRD");
    assert_eq!(
        fmt(1234.0, "Ww;o"),
        "One Thousand, Two Hundred and Thirty-Fourth"
    );
    assert_eq!(fmt(1e21, "w;o"), "one billion trillionth");
    assert_eq!(fmt(5.0, "w;o(-en)"), "fifth");
}

#[test]
fn roman_and_letters() {
    assert_eq!(fmt(1999.0, "I"), "MCMXCIX");
    assert_eq!(fmt(0.0, "I"), "");
    assert_eq!(fmt(-4.0, "i"), "-iv");
    assert_eq!(fmt(4999.0, "I"), "MMMMCMXCIX");
    assert_eq!(fmt(5000.0, "I"), "MMMMM");
    assert_eq!(fmt(1234.0, "i;o"), "mccxxxiv");
    assert_eq!(fmt(27.0, "a"), "aa");
    assert_eq!(fmt(0.0, "a"), "");
    assert_eq!(fmt(-3.0, "A"), "-C");
    assert_eq!(fmt(702.0, "a"), "zz");
    assert_eq!(fmt(703.0, "A"), "AAA");
    assert_eq!(fmt(1234.0, "a;o"), "aul");
    assert_eq!(fmt(1_234_567.0, "A;o(-e)"), "BRFGI");
    assert_eq!(fmt(1e12, "I"), "D1001");
}

#[test]
fn decimal_patterns() {
    assert_eq!(fmt(1_234_567.0, "#,##0"), "1,234,567");
    assert_eq!(fmt(1_234_567.0, "#,###,##0"), "1,234,567");
    assert_eq!(fmt(1_234_567.0, "0,00,000"), "12,34,567");
    assert_eq!(fmt(1_234_567.0, "#,##,##0"), "12,34,567");
    assert_eq!(fmt(1_234_567.0, "#,##0.00"), "12,345.67");
    assert_eq!(fmt(1_234_567.0, "0,000,000,000"), "0,001,234,567");
    assert_eq!(fmt(12.0, "0,000"), "0,012");
    assert_eq!(fmt(1_234_567.0, "00/00"), "1/23/45/67");
    assert_eq!(fmt(1_234_567.0, "0-00:000"), "12-34:567");
    assert_eq!(fmt(1_234_567.0, "0 0"), "1 2 3 4 5 6 7");
    assert_eq!(fmt(123_456_789.0, "0,0000,00"), "123,4567,89");
    assert_eq!(fmt(123_456_789.0, "0,0000,00,00"), "1,2345,67,89");
    assert_eq!(fmt(123_456_789.0, "0-0,00"), "123456-7,89");
    assert_eq!(fmt(12.0, "000"), "012");
    assert_eq!(fmt(-12.0, "000"), "-012");
    assert_eq!(fmt(1_234_567.0, "9"), "1234567");
    assert_eq!(fmt(5.0, "01"), "05");
    assert_eq!(fmt(1234.0, "٠٠"), "١٢٣٤");
    assert_eq!(fmt(1e21, "0"), "1e+21");
    assert_eq!(fmt(1e25, "0"), "1e+25");
    assert_eq!(fmt(1e21, "#,##0"), "1e,+21");
    assert_eq!(fmt(41254.0, "#,##,##0"), ",41,254");
    assert_eq!(fmt(122_248_530.0, "/055-057"), "122/248-530");
    assert_eq!(fmt(2785.0, "0/.."), "2785/..");
    assert_eq!(fmt(7544.0, "16-3,;o"), "754-4,th");
    assert_eq!(fmt(-866.0, " /14-935"), "- /00-866");
    assert_eq!(fmt(4587.0, "0672#, "), "4587, ");
    assert_eq!(fmt(573.0, "598/"), "573/");
    assert_eq!(fmt(51412.0, ",/9-3"), "514,/1-2");
    assert_eq!(fmt(1149.0, "/914"), "1/149");
    assert_eq!(fmt(87_572_085.0, "-,,2"), "8757208-,,5");
    assert_eq!(fmt(6_519_711.0, "39.88 0;o"), "6519.71 1st");
    assert_eq!(fmt(-825_849.0, "/#50,06"), "-8/258,49");
    assert_eq!(fmt(742_600.0, "68 "), "742600 ");
    assert_eq!(fmt(9117.0, "/5"), "9/1/1/7");
    assert_eq!(fmt(0.0, ",.0/5"), ",.0/0");
    assert_eq!(fmt(330_299.0, " 63//820;o"), "3 30//299th");
    assert_eq!(fmt(81_809_308.0, "8/1.913.;o"), "8180/9.308.th");
    assert_eq!(fmt(1_234_567.0, "0,000,00"), "12,345,67");
}

#[test]
fn flooring_and_ordinals() {
    assert_eq!(fmt(12.7, "0"), "12");
    assert_eq!(fmt(12.5, "0"), "12");
    assert_eq!(fmt(-12.7, "0"), "-13");
    assert_eq!(fmt(-0.5, "0"), "-1");
    assert_eq!(fmt(12.0, "#0;o"), "12th");
    assert_eq!(fmt(11.0, "0;o"), "11th");
    assert_eq!(fmt(112.0, "0;o"), "112th");
    assert_eq!(fmt(3.0, "0;o"), "3rd");
    assert_eq!(fmt(1_234_567.0, "#,##0;o"), "1,234,567th");
    assert_eq!(fmt(5.0, "0;o(-en)"), "5th");
    assert_eq!(fmt(1_234_567.0, "0;c"), "1234567");
    assert_eq!(fmt(1_234_567.0, "0;x"), "1234567");
    assert_eq!(fmt(5.0, "0;"), "5");
}

#[test]
fn picture_errors() {
    for p in [
        "β",
        "",
        "#",
        "x",
        "Aa",
        "ii",
        "Iz",
        "ww",
        "wW",
        "#;o",
        ";o",
        "#,####,####",
    ] {
        assert_eq!(fmt(1.0, p), "D3130", "{p}");
    }
    assert_eq!(fmt(1234.0, "0٠"), "D3131");
    let e = analyse("β").expect_err("unsupported");
    assert_eq!(
        e.message,
        "Formatting or parsing an integer as a sequence starting with \"β\" is not supported by this implementation"
    );
}

#[test]
fn parse_pictures() {
    assert_eq!(
        parse_with("twelve thousand, four hundred and seventy-six", "w"),
        12476.0
    );
    assert_eq!(parse_with("Twelfth", "w;o"), 12.0);
    assert_eq!(parse_with("twelfth", "w"), 12.0);
    assert_eq!(parse_with("ten-thousand", "w"), 10000.0);
    assert_eq!(parse_with("one million and one", "w"), 1_000_001.0);
    assert_eq!(parse_with("one thousand trillion", "w"), 1e15);
    assert_eq!(parse_with("zero", "w"), 0.0);
    assert_eq!(parse_with("One Hundred And One", "w"), 101.0);
    assert_eq!(parse_with("twenty one", "w"), 21.0);
    assert_eq!(parse_with("one hundred twenty", "w"), 120.0);
    assert_eq!(parse_with("one, two", "w"), 3.0);
    assert_eq!(parse_with("five five", "w"), 10.0);
    assert_eq!(parse_with("hundred", "w"), 0.0);
    assert_eq!(parse_with("twelve hundred", "w"), 1200.0);
    assert_eq!(parse_with("one million million", "w"), 1e12);
    assert_eq!(parse_with("two thousand thousand", "w"), 2e6);
    assert_eq!(parse_with("twenty-first", "w;o"), 21.0);
    assert_eq!(parse_with("one hundredth", "w;o"), 100.0);
    for bad in [
        "foo",
        "one foo",
        "",
        "minus five",
        "-five",
        "twentyone",
        "a hundred",
    ] {
        assert!(parse_with(bad, "w").is_nan(), "{bad}");
    }
    assert!(parse_with("one hundred and", "w").is_nan());
    assert!(parse_with("one hundred  one", "w").is_nan());

    assert_eq!(parse_with("MCMXCIX", "I"), 1999.0);
    assert!(parse_with("mcmxcix", "I").is_nan());
    assert!(parse_with("xyz", "I").is_nan());
    assert_eq!(parse_with("", "I"), 0.0);
    assert_eq!(parse_with("MCM", "i"), 1900.0);
    assert_eq!(parse_with("mcm", "i"), 1900.0);
    assert_eq!(parse_with("IIII", "I"), 4.0);
    assert_eq!(parse_with("IM", "I"), 999.0);

    assert_eq!(parse_with("aa", "a"), 27.0);
    assert_eq!(parse_with("AA", "a"), -837.0);
    assert_eq!(parse_with("", "a"), 0.0);

    assert_eq!(parse_with("12,345", "#,##0"), 12345.0);
    assert_eq!(parse_with("12th", "0;o"), 12.0);
    assert!(parse_with("12", "0;o").is_nan());
    assert!(parse_with("abc", "0").is_nan());
    assert!(parse_with("", "0").is_nan());
    assert_eq!(parse_with("١٢٣", "٠"), 123.0);
    assert_eq!(parse_with("12 345", "#,##0"), 12.0);
    assert_eq!(parse_with("-12", "0"), -12.0);
    assert_eq!(parse_with("12.5", "0"), 12.0);
    assert_eq!(parse_with("1,2,3", "0,0"), 123.0);
    assert_eq!(parse_with("0012", "0000"), 12.0);
    assert_eq!(parse_with("0x1A", "0"), 26.0);
    assert_eq!(parse_with("  12", "0"), 12.0);
    assert_eq!(parse_with("+12", "0"), 12.0);
    assert_eq!(parse_with("12,345th", "#,##0;o"), 12345.0);
    assert_eq!(parse_with("12st", "0;o"), 12.0);
    assert_eq!(parse_with("1,234", "0"), 1.0);
    assert_eq!(parse_with("1.234", "#.##0"), 1.0);
    assert_eq!(parse_with("1 234", "# ##0"), 1.0);
    assert_eq!(parse_with("1,234", "# ##0"), 1234.0);
    assert_eq!(parse_with("12-34:567", "0-00:000"), 1_234_567.0);
    assert_eq!(parse_with("5 2 7", "0 0"), 5.0);
    assert_eq!(
        parse_with("123456789012345678901234", "0"),
        1.2345678901234569e23
    );
}
