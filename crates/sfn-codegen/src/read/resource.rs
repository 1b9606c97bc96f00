//! Task `Resource` strings.
//!
//! A Resource is a URI; in practice an ARN (`arn:partition:service:region:
//! account:resource`), possibly holding CloudFormation placeholders such as
//! `${LambdaArn}` that a deployment substitutes. What is checked: that it is a
//! URI, that placeholders are closed, and, for Lambda function ARNs, that the
//! function name and qualifier are well formed (AWS rejects
//! `function:NAME:` and `function:NAME:$*#`).

use super::Reader;
use crate::json::Json;

pub(crate) fn check(reader: &mut Reader<'_>, v: &Json, text: &str, path: &str) {
    if let Some(message) = problem(text) {
        reader.diags.error(v.span, path, message);
    }
}

/// Whether `v` is a CloudFormation intrinsic object (`{"Ref": "X"}`,
/// `{"Fn::GetAtt": [...]}`, `{"Fn::Sub": ...}`): one member whose key is
/// `Ref` or starts with `Fn::`.
pub(crate) fn is_cloudformation(v: &Json) -> bool {
    matches!(v.as_object(), Some([m]) if m.key == "Ref" || m.key.starts_with("Fn::"))
}

/// What is wrong with a Resource, if anything.
fn problem(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some("`Resource` cannot be empty; give the ARN of the function, activity or service integration".into());
    }
    // Placeholders must be closed: `${Name}`.
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        match rest[start..].find('}') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                return Some(format!(
                    "`Resource` \"{text}\" has an unclosed `${{` placeholder"
                ));
            }
        }
    }
    let is_placeholder = text.starts_with("${") && text.ends_with('}');
    if is_placeholder {
        return None;
    }
    // A URI: scheme ":" rest, scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
    let Some((scheme, _)) = text.split_once(':') else {
        return Some(format!(
            "`Resource` \"{text}\" is not a URI; expected an ARN such as \"arn:aws:states:::lambda:invoke\""
        ));
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || text.chars().any(char::is_whitespace) {
        return Some(format!(
            "`Resource` \"{text}\" is not a URI; expected an ARN such as \"arn:aws:states:::lambda:invoke\""
        ));
    }
    if scheme == "arn" {
        return arn_problem(text);
    }
    None
}

fn arn_problem(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    if parts.len() < 6 {
        return Some(format!(
            "`Resource` \"{text}\" is not a complete ARN (arn:partition:service:region:account:resource)"
        ));
    }
    let (service, resource) = (parts[2], parts[5]);
    if service == "lambda"
        && let Some(function) = resource.strip_prefix("function:")
    {
        return lambda_problem(text, function);
    }
    if resource.is_empty() {
        return Some(format!(
            "`Resource` \"{text}\" names no resource after the account"
        ));
    }
    None
}

/// `NAME` or `NAME:QUALIFIER`, where the qualifier is `$LATEST`, a version
/// number or an alias (`[A-Za-z0-9_-]+`).
fn lambda_problem(text: &str, function: &str) -> Option<String> {
    let placeholder_free = |s: &str| !s.contains("${");
    let (name, qualifier) = match function.split_once(':') {
        Some((n, q)) => (n, Some(q)),
        None => (function, None),
    };
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if placeholder_free(name) && !name_ok(name) {
        return Some(format!(
            "`Resource` \"{text}\": Lambda function name \"{name}\" may contain only letters, digits, `-` and `_`"
        ));
    }
    if let Some(q) = qualifier {
        let q_ok = q == "$LATEST" || name_ok(q);
        if placeholder_free(q) && !q_ok {
            return Some(format!(
                "`Resource` \"{text}\": \"{q}\" is not a valid Lambda version or alias (use `$LATEST`, a version number or an alias of letters, digits, `-` and `_`)"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn accepts_the_forms_aws_accepts() {
        for ok in [
            "arn:aws:states:::lambda:invoke",
            "arn:aws:lambda:us-east-1:123456789012:function:foo",
            "arn:aws:lambda:us-east-1:123456789012:function:foo:$LATEST",
            "arn:aws:lambda:us-east-1:123456789012:function:foo:prod-1",
            "arn:aws:lambda:::function:publish-to-slack-lambda",
            "arn:aws:states:us-west-2:42:activity:a-task",
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "${LambdaArn}",
            "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}",
            "foo:bar",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn rejects_broken_resources() {
        for bad in [
            "",
            "${lambdaArn",
            "not a uri",
            "arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:",
            "arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:$*#$7485",
            "arn:aws:states",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }
}
