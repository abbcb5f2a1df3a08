use gatehouse_e2e::*;

#[tokio::test]
async fn sign_in_and_see_the_console() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.wait_text("#who-user", "admin01").await;
    b.screenshot("/tmp/shot-console.png").await;
}
