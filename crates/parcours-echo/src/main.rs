//! `parcours-echo <address>`: a bare actix-web server on one worker that parses a JSON body and writes it
//! back (`POST /echo`). It is what the framework costs with nothing of Parcours in it: `make bench-http`
//! drives it and `parcours serve` with the same load generator, in the same run, and prints the ratio.

use actix_web::{App, HttpResponse, HttpServer, post, web};

#[post("/echo")]
async fn echo(body: web::Json<serde_json::Value>) -> HttpResponse {
    HttpResponse::Ok().json(body.into_inner())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let address = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8098".to_owned());
    let server = HttpServer::new(|| App::new().service(echo)).workers(1).bind(&address)?;
    eprintln!("parcours-echo listening on http://{address}");
    server.run().await
}
