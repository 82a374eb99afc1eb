// Schemas (TypeBox) and types shared by the server and the web console. No Node or DOM APIs.
export {};
