//! What the two sqlx engines share: a [`Session`](super::schema::Session)
//! on a sqlx transaction, binding [`Arg`](super::schema::Arg)s and reading
//! rows, written once as the [`sqlx_session!`] macro.
//!
//! A macro rather than code generic over `sqlx::Database`: the generic
//! version needs higher-ranked `Executor` bounds, which do not go well with
//! `Send` boxed futures (see [`schema`](super::schema)). Each engine
//! expands it with its concrete database and its row conversion, the one
//! part that differs.

/// Defines, in the module that expands it, for the sqlx database `$db`:
///
/// * `bind(query, args)`: binds [`Arg`](super::schema::Arg)s in order
///   (`NULL`s typed: integer or text);
/// * `fetch(executor, sql, args)`: runs a statement on a pool or a
///   connection and reads all its rows with `$convert`;
/// * `SqlxSession`: a [`Session`](super::schema::Session) on a
///   `Transaction<'static, $db>`, and `SqlxSession::boxed(transaction)`.
///
/// `$convert` is a `fn(&<$db as sqlx::Database>::Row) -> Result<Row,
/// StoreError>`.
macro_rules! sqlx_session {
    ($db:ty, $convert:path) => {
        /// A query of this database.
        type Query<'a> = sqlx::query::Query<'a, $db, <$db as sqlx::Database>::Arguments<'a>>;

        /// Binds `args` in order.
        fn bind<'a>(mut query: Query<'a>, args: Vec<$crate::store::schema::Arg<'a>>) -> Query<'a> {
            for arg in args {
                query = match arg {
                    $crate::store::schema::Arg::Int(value) => query.bind(value),
                    $crate::store::schema::Arg::Text(value) => query.bind(value),
                };
            }
            query
        }

        /// Runs `sql` with `args` on `executor` and reads all its rows.
        async fn fetch<'a, 'c, E>(
            executor: E,
            sql: &'a str,
            args: Vec<$crate::store::schema::Arg<'a>>,
        ) -> Result<Vec<$crate::store::schema::Row>, $crate::store::StoreError>
        where
            E: sqlx::Executor<'c, Database = $db> + 'a,
        {
            let rows = bind(sqlx::query(sql), args).fetch_all(executor).await?;
            rows.iter().map($convert).collect()
        }

        /// A transaction on one of the engine's pools.
        struct SqlxSession(sqlx::Transaction<'static, $db>);

        impl SqlxSession {
            /// `transaction` as a session.
            fn boxed(
                transaction: sqlx::Transaction<'static, $db>,
            ) -> Box<dyn $crate::store::schema::Session> {
                Box::new(SqlxSession(transaction))
            }
        }

        impl $crate::store::schema::Session for SqlxSession {
            fn execute<'a>(
                &'a mut self,
                sql: &'a str,
                args: Vec<$crate::store::schema::Arg<'a>>,
            ) -> $crate::store::backend::BoxFut<'a, u64> {
                Box::pin(async move {
                    let done = bind(sqlx::query(sql), args).execute(&mut *self.0).await?;
                    Ok(done.rows_affected())
                })
            }

            fn fetch<'a>(
                &'a mut self,
                sql: &'a str,
                args: Vec<$crate::store::schema::Arg<'a>>,
            ) -> $crate::store::backend::BoxFut<'a, Vec<$crate::store::schema::Row>> {
                Box::pin(fetch(&mut *self.0, sql, args))
            }

            fn commit(self: Box<Self>) -> $crate::store::backend::BoxFut<'static, ()> {
                Box::pin(async move { Ok(self.0.commit().await?) })
            }
        }
    };
}

pub(super) use sqlx_session;
