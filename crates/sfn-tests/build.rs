//! Compiles `workflows/order.asl.json` the build.rs way, so that the tests
//! check that `sfn_codegen::Builder` output compiles and runs like the macro's.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    sfn_codegen::Builder::new().compile("workflows/order.asl.json", "order")?;
    Ok(())
}
