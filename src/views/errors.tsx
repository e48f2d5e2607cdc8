import { Layout, type PageContext } from "./layout.tsx";

export function ErrorPage(props: { ctx: PageContext; status: number; title: string; message: string }) {
  return (
    <Layout ctx={props.ctx} title={props.title}>
      <div class="card">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        <p>
          <a href="/">Back to the dashboard</a>
        </p>
      </div>
    </Layout>
  );
}
