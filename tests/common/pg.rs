//! A throwaway PostgreSQL database per test, on the cluster `.ci/run`
//! starts: `TOURNEE_TEST_POSTGRES` is an address of that cluster with the
//! right to create databases. Without it a PostgreSQL test says so and
//! passes, unless `TOURNEE_REQUIRE_POSTGRES` is set (as CI sets it), where
//! it fails: CI never skips what it should test.

use tokio_postgres::NoTls;

pub struct TestDb {
    /// The new database's address, for `PgHost::connect`.
    pub url: String,
    admin: String,
    name: String,
}

/// A new empty database, or `None` (with a line saying why) on a machine
/// without the test cluster.
pub async fn test_db() -> Option<TestDb> {
    let Ok(admin) = std::env::var("TOURNEE_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("TOURNEE_REQUIRE_POSTGRES").is_none(),
            "TOURNEE_REQUIRE_POSTGRES is set but TOURNEE_TEST_POSTGRES is not"
        );
        eprintln!("no PostgreSQL here (TOURNEE_TEST_POSTGRES unset): this test checks nothing");
        return None;
    };
    let name = format!("tournee_test_{}", uuid::Uuid::now_v7().simple());
    execute(&admin, &format!("CREATE DATABASE {name}")).await;
    let mut url = url::Url::parse(&admin).expect("TOURNEE_TEST_POSTGRES is an address");
    url.set_path(&name);
    Some(TestDb {
        url: url.to_string(),
        admin,
        name,
    })
}

impl TestDb {
    /// Drops the database (the cluster itself is thrown away after CI).
    pub async fn drop(self) {
        execute(
            &self.admin,
            &format!("DROP DATABASE {} WITH (FORCE)", self.name),
        )
        .await;
    }

    /// Runs SQL on the test database directly, as a hand or a bug would.
    pub async fn execute(&self, sql: &str) {
        execute(&self.url, sql).await;
    }
}

async fn execute(url: &str, sql: &str) {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .expect("the test cluster answers");
    let task = tokio::spawn(connection);
    client.batch_execute(sql).await.expect(sql);
    drop(client);
    let _ = task.await;
}

/// Serves every organization of `storage` (a host, as `tournee serve
/// --database` does) on 127.0.0.1:0, names under `domain` included; its
/// address, to be reached through [`super::proxy::proxy`] under a name.
pub async fn serve_host(
    storage: std::sync::Arc<tournee::server::store::postgres::storage::PgStorage>,
    domain: Option<&str>,
) -> String {
    let domain = domain.map(|d| tournee::server::store::slug::HostName::parse(d).unwrap());
    let host = tournee::dashboard::host::Host::new(storage, &Default::default(), domain);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(tournee::server::http::serve_router(
        listener,
        host.router(),
        std::future::pending(),
    ));
    upstream
}
