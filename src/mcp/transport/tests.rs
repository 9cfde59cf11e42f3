//! The transport driven as rmcp's service loop drives it: `receive` for the next
//! message, `send` for each answer, the send futures run as tasks of their own.

use std::time::Duration;

use pretty_assertions::assert_eq;
use rmcp::model::{EmptyResult, ServerResult};
use rmcp::transport::Transport as _;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader, DuplexStream};

use super::*;

/// Long enough for anything that is going to happen here to have happened.
const SETTLE: Duration = Duration::from_millis(300);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// A transport whose stdin is fed by the returned writer and whose stdout is the
/// returned reader (which holds at most `pipe` bytes until read).
fn connected(pipe: usize) -> (Stdio<DuplexStream>, DuplexStream, DuplexStream, CancellationToken) {
    let (client_in, server_in) = tokio::io::duplex(64 * 1024);
    let (server_out, client_out) = tokio::io::duplex(pipe);
    let stop = CancellationToken::new();
    let (transport, _writer) = Stdio::new(server_in, server_out, stop.clone());
    (transport, client_in, client_out, stop)
}

fn ping(id: u64) -> String {
    format!("{}\n", json!({"jsonrpc": "2.0", "id": id, "method": "ping"}))
}

fn pong(id: RequestId) -> ServerJsonRpcMessage {
    ServerJsonRpcMessage::response(ServerResult::EmptyResult(EmptyResult {}), id)
}

fn request_id(message: &ClientJsonRpcMessage) -> Option<RequestId> {
    match message {
        JsonRpcMessage::Request(request) => Some(request.id.clone()),
        _ => None,
    }
}

#[test]
fn a_client_that_does_not_read_stops_the_reading_of_requests_until_it_reads() {
    runtime().block_on(async {
        let total = 3 * MAX_UNANSWERED as u64;
        let (mut transport, mut client_in, client_out, _stop) = connected(1);
        let requests: String = (1..=total).map(ping).collect();
        let feeder = tokio::spawn(async move { client_in.write_all(requests.as_bytes()).await.unwrap() });
        // Every request is answered at once; the client reads nothing.
        let mut received = 0;
        while let Ok(Some(message)) = tokio::time::timeout(SETTLE, transport.receive()).await {
            tokio::spawn(transport.send(pong(request_id(&message).unwrap())));
            received += 1;
        }
        assert_eq!(received, MAX_UNANSWERED);
        // Once the client reads, every request is read and answered, in order.
        let reader = tokio::spawn(async move {
            let mut lines = BufReader::new(client_out).lines();
            let mut ids = Vec::new();
            while ids.len() < total as usize {
                let line = lines.next_line().await.unwrap().unwrap();
                ids.push(serde_json::from_str::<Value>(&line).unwrap()["id"].as_u64().unwrap());
            }
            ids
        });
        while received < total as usize {
            let message = transport.receive().await.unwrap();
            tokio::spawn(transport.send(pong(request_id(&message).unwrap())));
            received += 1;
        }
        let ids = tokio::time::timeout(Duration::from_secs(10), reader).await.unwrap().unwrap();
        assert_eq!(ids, (1..=total).collect::<Vec<_>>());
        feeder.await.unwrap();
    });
}

#[test]
fn a_request_cancelled_before_its_answer_frees_its_slot_and_its_late_answer_frees_nothing() {
    runtime().block_on(async {
        let (mut transport, mut client_in, _client_out, _stop) = connected(64 * 1024);
        let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 2}});
        client_in.write_all(format!("{}{}{}{cancel}\n", ping(1), ping(2), ping(3)).as_bytes()).await.unwrap();
        for _ in 0..3 {
            transport.receive().await.unwrap();
        }
        assert_eq!(transport.slots.available_permits(), MAX_UNANSWERED - 3);
        let note = transport.receive().await.unwrap();
        assert!(matches!(note, JsonRpcMessage::Notification(_)), "{note:?}");
        assert_eq!(transport.slots.available_permits(), MAX_UNANSWERED - 2);
        transport.send(pong(RequestId::Number(2))).await.unwrap();
        transport.send(pong(RequestId::Number(1))).await.unwrap();
        tokio::time::sleep(SETTLE).await;
        assert_eq!(transport.slots.available_permits(), MAX_UNANSWERED - 1);
    });
}

#[test]
fn a_reused_id_a_bad_line_and_a_huge_line_are_answered_and_the_next_request_is_read() {
    runtime().block_on(async {
        let (mut transport, mut client_in, client_out, _stop) = connected(64 * 1024);
        let huge = format!(
            "{{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"params\":{{\"x\":\"{}\"}}}}\n",
            "a".repeat(17 << 20)
        );
        let lines = [ping(1), ping(1), "{oops\n".to_string(), huge, ping(6)];
        let feeder = tokio::spawn(async move { client_in.write_all(lines.concat().as_bytes()).await.unwrap() });
        let first = transport.receive().await.unwrap();
        assert_eq!(request_id(&first), Some(RequestId::Number(1)));
        let next = transport.receive().await.unwrap();
        assert_eq!(request_id(&next), Some(RequestId::Number(6)));
        let mut lines = BufReader::new(client_out).lines();
        let mut answers = Vec::new();
        for _ in 0..3 {
            let answer: Value = serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
            answers.push((answer["id"].clone(), answer["error"]["code"].clone()));
        }
        assert_eq!(answers, [(json!(1), json!(-32600)), (Value::Null, json!(-32700)), (json!(5), json!(-32600))]);
        feeder.await.unwrap();
    });
}

#[test]
fn stdin_closing_ends_the_session_and_cancels_the_stop_token() {
    runtime().block_on(async {
        let (mut transport, client_in, _client_out, stop) = connected(64);
        drop(client_in);
        assert!(transport.receive().await.is_none());
        assert!(stop.is_cancelled());
    });
}
