//! One declaration per route, for both the server and the OpenAPI document.
//!
//! A handler's `#[utoipa::path(post, path = "...", ...)]` already names its
//! method and path; [`Routes::add`] reads them from the generated
//! `__path_{handler}` type, so an area registers a route with one line:
//!
//! ```ignore
//! pub fn routes(r: &mut Routes) {
//!     r.add(__path_create, create);
//!     r.add(__path_list, list);
//! }
//! ```
//!
//! The same table then gives actix one resource per path (so a wrong method
//! still answers 405 with `Allow`) and the OpenAPI document its paths and
//! the schemas they reference. A route cannot be served without being
//! documented, or documented at a path it is not served on.

use actix_web::dev::Handler;
use actix_web::http::Method;
use actix_web::{FromRequest, Resource, Responder, web};
use utoipa::openapi::path::{HttpMethod, Paths};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{OpenApi, RefOr};

type ResourceSetup = Box<dyn FnOnce(Resource) -> Resource>;

/// One path: its routes (one per method) and any resource setup.
struct Entry {
    path: String,
    routes: Vec<actix_web::Route>,
    setup: Vec<ResourceSetup>,
}

/// The routes of the application, in registration order.
#[derive(Default)]
pub struct Routes {
    entries: Vec<Entry>,
    paths: Paths,
    schemas: Vec<(String, RefOr<Schema>)>,
}

impl Routes {
    /// Serves `handler` at the method and path its `#[utoipa::path]` names
    /// (`doc` is the generated `__path_{handler}` value) and documents it.
    pub fn add<P, F, Args>(&mut self, doc: P, handler: F) -> &mut Self
    where
        P: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add_with(doc, handler, |resource| resource)
    }

    /// `add`, with extra setup of the path's resource (e.g. a body limit).
    pub fn add_with<P, F, Args>(&mut self, _doc: P, handler: F, setup: impl FnOnce(Resource) -> Resource + 'static) -> &mut Self
    where
        P: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let path = P::path();
        let methods = P::methods();
        let entry = self.entry(&path);
        for method in &methods {
            entry.routes.push(web::route().method(actix_method(method)).to(handler.clone()));
        }
        entry.setup.push(Box::new(setup));
        let mut operation = P::operation();
        let tags = <P as utoipa::__dev::Tags>::tags();
        if !tags.is_empty() {
            operation.tags.get_or_insert_with(Vec::new).extend(tags.iter().map(ToString::to_string));
        }
        self.paths.add_path_operation(path, methods, operation);
        P::schemas(&mut self.schemas);
        self
    }

    /// A route that is not part of the API document (redirects, the docs UI).
    pub fn undocumented(&mut self, path: &str, route: actix_web::Route) -> &mut Self {
        self.entry(path).routes.push(route);
        self
    }

    fn entry(&mut self, path: &str) -> &mut Entry {
        let index = match self.entries.iter().position(|e| e.path == path) {
            Some(i) => i,
            None => {
                self.entries.push(Entry {
                    path: path.to_string(),
                    routes: Vec::new(),
                    setup: Vec::new(),
                });
                self.entries.len() - 1
            }
        };
        &mut self.entries[index]
    }

    /// The actix resources, one per path, in registration order.
    pub fn into_resources(self) -> Vec<Resource> {
        self.entries
            .into_iter()
            .map(|entry| {
                let mut resource = web::resource(entry.path);
                for route in entry.routes {
                    resource = resource.route(route);
                }
                for setup in entry.setup {
                    resource = setup(resource);
                }
                resource
            })
            .collect()
    }

    /// Puts the documented paths and the schemas they use into `doc`.
    pub fn document(&self, doc: &mut OpenApi) {
        doc.paths.paths.extend(self.paths.paths.clone());
        let components = doc.components.get_or_insert_with(Default::default);
        for (name, schema) in &self.schemas {
            components.schemas.entry(name.clone()).or_insert_with(|| schema.clone());
        }
    }
}

fn actix_method(method: &HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}
