// The page a password reset mail links to: sends the link's token and the new password.
const form = document.getElementById("reset-form");
const status = document.getElementById("reset-status");
const token = new URLSearchParams(window.location.search).get("token") || "";

if (!token) {
  status.textContent = "This link has no token. Ask for a new reset mail.";
  form.hidden = true;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const password = form.elements.password.value;
  const response = await fetch("/api/v1/auth/password/reset", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ token, password }),
  });
  if (response.ok) {
    status.textContent = "Your password is changed. Log in again with the new one.";
    form.hidden = true;
    return;
  }
  let detail = "";
  try {
    detail = (await response.json()).detail || "";
  } catch {
    // not JSON: the status says enough
  }
  status.textContent =
    response.status === 401
      ? "This link is expired or was already used. Ask for a new reset mail."
      : detail || `The server answered ${response.status}.`;
});
