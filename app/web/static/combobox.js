// The ARIA 1.2 combobox pattern (editable input + listbox popup) for any list of items.
// https://www.w3.org/WAI/ARIA/apg/patterns/combobox/ : focus stays in the input and
// aria-activedescendant points at the active option.

export class Combobox {
  // container: focus anywhere inside it (e.g. on filter chips beside the box) keeps the popup open.
  constructor(input, listbox, { renderOption, onChoose, optionId, container = input.parentElement }) {
    this.container = container;
    this.input = input;
    this.listbox = listbox;
    this.renderOption = renderOption;
    this.onChoose = onChoose;
    this.optionId = optionId;
    this.items = [];
    this.active = -1;
    input.addEventListener("keydown", (event) => this.#onKey(event));
    container.addEventListener("focusout", () => {
      // Focus moves in a later tick; a click on an option (which never takes focus) still lands.
      setTimeout(() => {
        if (!this.#hasFocus()) this.close();
      }, 150);
    });
    listbox.addEventListener("mousedown", (event) => event.preventDefault());
    listbox.addEventListener("click", (event) => {
      const option = event.target.closest('[role="option"]');
      if (option) this.choose(Number(option.dataset.index));
    });
  }

  setItems(items) {
    this.items = items;
    this.active = -1;
    this.listbox.replaceChildren(
      ...items.map((item, index) => {
        const option = this.renderOption(item, index);
        option.id = `${this.listbox.id}-${this.optionId(item)}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.index = String(index);
        return option;
      }),
    );
    this.#syncActive();
    if (items.length && this.#hasFocus()) this.open();
    else if (!items.length) this.close();
  }

  #hasFocus() {
    return this.container.contains(document.activeElement);
  }

  get isOpen() {
    return this.input.getAttribute("aria-expanded") === "true";
  }

  open() {
    if (!this.items.length) return;
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  close() {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.active = -1;
    this.#syncActive();
  }

  choose(index) {
    const item = this.items[index];
    if (!item) return;
    this.close();
    this.onChoose(item);
  }

  #move(index) {
    if (!this.items.length) return;
    this.open();
    this.active = (index + this.items.length) % this.items.length;
    this.#syncActive();
  }

  #syncActive() {
    const options = this.listbox.children;
    for (let i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
    }
    const current = options[this.active];
    if (current) {
      this.input.setAttribute("aria-activedescendant", current.id);
      current.scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  #onKey(event) {
    const open = this.isOpen;
    switch (event.key) {
      case "ArrowDown":
        if (event.altKey) this.open();
        else this.#move(open ? this.active + 1 : 0);
        break;
      case "ArrowUp":
        this.#move(open && this.active >= 0 ? this.active - 1 : this.items.length - 1);
        break;
      case "Home":
        if (!open) return; // otherwise Home moves the caret, as in any text box
        this.#move(0);
        break;
      case "End":
        if (!open) return;
        this.#move(this.items.length - 1);
        break;
      case "Enter":
        if (!open || this.active < 0) return;
        this.choose(this.active);
        break;
      case "Escape":
        if (open) this.close();
        else if (this.input.value) {
          this.input.value = "";
          this.input.dispatchEvent(new Event("input", { bubbles: true }));
        }
        break;
      default:
        return;
    }
    event.preventDefault();
  }
}
