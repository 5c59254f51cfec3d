// "/verify-email?token=...": the link in the verification mail.
import { auth } from "./api.js";
import { runTokenPage } from "./token-page.js";

runTokenPage({
  act: (token) => auth.verify(token),
  success: (answer) => ({
    title: "Your e-mail address is confirmed",
    text: `Thank you, ${answer.username}. Your e-mail address is confirmed; you can close this page.`,
  }),
  refused: () => ({
    title: "This link no longer works",
    text:
      "Your e-mail address was not confirmed: the link has expired (links last 24 hours), a newer " +
      "link replaced it, or the address changed since. Sign in and ask for a new link.",
  }),
});
