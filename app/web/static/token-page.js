// Pages a mailed link opens (/verify-email; a password reset page works the same way): take the
// token from the address, do what it allows through the JSON API, and say in plain words whether
// it worked. The page markup provides #outcome (data-state), #outcome-title and #outcome-text;
// a page that needs input first (a new password) passes its form.
import { ApiError } from "./api.js";

const NO_TOKEN = {
  title: "This link is incomplete",
  text: "The address has no token. Open the link from the e-mail again, or copy all of it into the address bar.",
};
const UNREACHABLE = {
  title: "The service could not be reached",
  text: "Nothing was changed. Check your connection and reload this page to try again.",
};

// The token stays out of the address bar (and so out of history and shared screenshots).
function takeToken() {
  const token = new URLSearchParams(location.search).get("token") || "";
  if (token) history.replaceState(null, "", location.pathname);
  return token;
}

export function showOutcome(state, { title, text }) {
  document.getElementById("outcome").dataset.state = state;
  document.getElementById("outcome-title").textContent = title;
  document.getElementById("outcome-text").textContent = text;
}

// act(token, formData) calls the API; success(answer) and refused(error) give {title, text}.
export async function runTokenPage({ act, success, refused, form = null }) {
  const token = takeToken();
  if (!token) {
    showOutcome("failed", NO_TOKEN);
    return;
  }
  const attempt = async (formData) => {
    try {
      showOutcome("done", success(await act(token, formData)));
      if (form) form.hidden = true;
    } catch (error) {
      const isClientError = error instanceof ApiError && error.status >= 400 && error.status < 500;
      showOutcome("failed", isClientError ? refused(error) : UNREACHABLE);
    }
  };
  if (!form) {
    await attempt(null);
    return;
  }
  form.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(new FormData(form));
  });
}
