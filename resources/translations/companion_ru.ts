<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ru" sourcelanguage="en">
    <context>
        <name>CallTableModel</name>
        <message>
            <source>When</source>
            <extracomment>below this width the table keeps only when, direction, who and outcome rows measured to size the columns (all 500 would make every refresh slow) small enough that the wide row of filters fits a side-docked window too the columns a narrow window hides</extracomment>
            <translation>Когда</translation>
        </message>
        <message>
            <source>Who</source>
            <translation>Кто</translation>
        </message>
        <message>
            <source>Number</source>
            <translation>Номер</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>Вид</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>Результат</translation>
        </message>
        <message>
            <source>Rep</source>
            <translation>Менеджер</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>Заметка</translation>
        </message>
        <message>
            <source>Direction: ← incoming, → outgoing</source>
            <translation>Направление: ← входящий, → исходящий</translation>
        </message>
        <message>
            <source>no number</source>
            <translation>нет номера</translation>
        </message>
        <message>
            <source>not logged</source>
            <translation>не записан</translation>
        </message>
        <message>
            <source>incoming</source>
            <translation>входящий</translation>
        </message>
        <message>
            <source>outgoing</source>
            <translation>исходящий</translation>
        </message>
        <message>
            <source>unknown</source>
            <translation>неизвестный</translation>
        </message>
    </context>
    <context>
        <name>CallbackPanel</name>
        <message>
            <source>Callback</source>
            <extracomment>a pause in typing this long saves the promise (Enter and leaving the field save at once) Enter in the promise field: the rep is done here (the card takes the keyboard back) the panel grew (the picker opened): the card scrolls it into view</extracomment>
            <translation>Перезвон</translation>
        </message>
        <message>
            <source>When to call back</source>
            <translation>Когда перезвонить</translation>
        </message>
        <message>
            <source>Moved out of their night</source>
            <translation>Перенесено с ночного времени</translation>
        </message>
        <message>
            <source>No answer. Next try:</source>
            <translation>Не ответили. Следующая попытка:</translation>
        </message>
        <message>
            <source>Pick a time…</source>
            <translation>Выбрать время…</translation>
        </message>
        <message>
            <source>Pick a time to call back</source>
            <translation>Выбрать время перезвона</translation>
        </message>
        <message>
            <source>Call back at (your time)</source>
            <translation>Перезвонить в (ваше время)</translation>
        </message>
        <message>
            <source>The picked time for them</source>
            <translation>Выбранное время — у них</translation>
        </message>
        <message>
            <source>OK</source>
            <translation>ОК</translation>
        </message>
        <message>
            <source>Call back at the picked time</source>
            <translation>Перезвонить в выбранное время</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Отмена</translation>
        </message>
        <message>
            <source>Keep the time as it was</source>
            <translation>Оставить время как было</translation>
        </message>
        <message>
            <source>What I promised</source>
            <translation>Моё обещание</translation>
        </message>
        <message>
            <source>✓ saved</source>
            <translation>✓ сохранено</translation>
        </message>
        <message>
            <source>The promise is saved</source>
            <translation>Обещание сохранено</translation>
        </message>
        <message>
            <source>send the price list, call about delivery</source>
            <translation>отправить прайс, созвониться о доставке</translation>
        </message>
        <message>
            <source>Callback was due {when}</source>
            <translation>Перезвонить нужно было {when}</translation>
        </message>
        <message>
            <source>Callback due {when}</source>
            <translation>Перезвонить {when}</translation>
        </message>
        <message>
            <source>Call back {when}</source>
            <translation>Перезвонить {when}</translation>
        </message>
        <message>
            <source>{choice} → {time}</source>
            <translation>{choice} → {time}</translation>
        </message>
        <message>
            <source>Call back {choice}: {when}</source>
            <translation>Перезвонить: {choice} — {when}</translation>
        </message>
        <message>
            <source>{when}, moved out of their night</source>
            <translation>{when}, перенесено с ночного времени</translation>
        </message>
        <message>
            <source>{time} their time</source>
            <translation>{time} по их времени</translation>
        </message>
        <message>
            <source>“{choice}” would be in their night: moved to {due} their time.</source>
            <translation>«{choice}» пришлось бы на ночь у них: перенесено на {due} по их времени.</translation>
        </message>
    </context>
    <context>
        <name>CallbackRow</name>
        <message>
            <source>Call</source>
            <extracomment>how long Undo stays offered after Done Qt's QWIDGETSIZE_MAX (PySide6 does not export it): no maximum width from this width on, a row's buttons sit to the right of its texts the snooze buttons, in minutes from now</extracomment>
            <translation>Позвонить</translation>
        </message>
        <message>
            <source>Call them now (Enter)</source>
            <translation>Позвонить сейчас (Enter)</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>Сделано</translation>
        </message>
        <message>
            <source>The promise is kept: close this callback (D)</source>
            <translation>Обещание выполнено: закрыть перезвон (D)</translation>
        </message>
        <message>
            <source>In 15 min</source>
            <translation>Через 15 мин</translation>
        </message>
        <message>
            <source>Snooze: remind me in 15 minutes (S)</source>
            <translation>Отложить: напомнить через 15 минут (S)</translation>
        </message>
        <message>
            <source>In 1 hour</source>
            <translation>Через час</translation>
        </message>
        <message>
            <source>Snooze: remind me in an hour (H)</source>
            <translation>Отложить: напомнить через час (H)</translation>
        </message>
        <message>
            <source>Reschedule…</source>
            <translation>Перенести…</translation>
        </message>
        <message>
            <source>Choose another day and time (R)</source>
            <translation>Выбрать другие день и время (R)</translation>
        </message>
        <message>
            <source>New day and time of the callback</source>
            <translation>Новые день и время перезвона</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>Сохранить</translation>
        </message>
        <message>
            <source>Save the new time</source>
            <translation>Сохранить новое время</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Отмена</translation>
        </message>
        <message>
            <source>Keep the time as it is</source>
            <translation>Оставить время как есть</translation>
        </message>
        <message>
            <source>no number</source>
            <translation>нет номера</translation>
        </message>
        <message>
            <source>“{promise}”</source>
            <translation>«{promise}»</translation>
        </message>
        <message>
            <source>Overdue since {when}</source>
            <translation>Просрочено с {when}</translation>
        </message>
        <message>
            <source>Due {when}</source>
            <translation>Срок: {when}</translation>
        </message>
        <message>
            <source>now {time} their time</source>
            <translation>сейчас у них {time}</translation>
        </message>
        <message>
            <source>{time} their time</source>
            <translation>{time} по их времени</translation>
        </message>
        <message>
            <source>tomorrow {time}</source>
            <translation>завтра {time}</translation>
        </message>
        <message>
            <source>Do not call</source>
            <translation>Не звонить</translation>
        </message>
        <message>
            <source>“{name}” asked not to be called. Call anyway?</source>
            <translation>«{name}» просил не звонить. Всё равно позвонить?</translation>
        </message>
        <message>
            <source>Call anyway</source>
            <translation>Всё равно позвонить</translation>
        </message>
    </context>
    <context>
        <name>CallbacksView</name>
        <message>
            <source>Callbacks</source>
            <extracomment>how many are due changed (time passed, or the list was read again)</extracomment>
            <translation>Перезвоны</translation>
        </message>
        <message>
            <source>No callbacks to make.
When a call ends with “Call back”, the callback waits here with what you promised, and Call Companion reminds you when it is due.</source>
            <translation>Перезванивать некому.
Когда звонок заканчивается «Перезвонить», перезвон ждёт здесь вместе с тем, что вы обещали, и Call Companion напомнит, когда подойдёт срок.</translation>
        </message>
        <message>
            <source>No callbacks</source>
            <translation>Перезвонов нет</translation>
        </message>
        <message>
            <source>What was done</source>
            <translation>Что сделано</translation>
        </message>
        <message>
            <source>Undo</source>
            <translation>Отменить</translation>
        </message>
        <message>
            <source>Undo: the callback is open again</source>
            <translation>Отменить: перезвон снова открыт</translation>
        </message>
        <message>
            <source>Open the callback again (Ctrl+Z)</source>
            <translation>Снова открыть перезвон (Ctrl+Z)</translation>
        </message>
        <message>
            <source>⚠ Overdue</source>
            <translation>⚠ Просрочено</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>Сегодня</translation>
        </message>
        <message>
            <source>Later</source>
            <translation>Позже</translation>
        </message>
        <message>
            <source>no number</source>
            <translation>нет номера</translation>
        </message>
        <message>
            <source>Done: {who}.</source>
            <translation>Сделано: {who}.</translation>
        </message>
        <message>
            <source>Open again: {who}.</source>
            <translation>Снова открыто: {who}.</translation>
        </message>
        <message>
            <source>Snoozed: {who}, due {when}.</source>
            <translation>Отложено: {who}, срок {when}.</translation>
        </message>
        <message>
            <source>Rescheduled: {who}, due {when}.</source>
            <translation>Перенесено: {who}, срок {when}.</translation>
        </message>
    </context>
    <context>
        <name>CardView</name>
        <message>
            <source>Call card</source>
            <extracomment>the rep clicked "Call" on the card: the number in E.164 the outcome logged on this card and the card it was logged on: another digit corrects it</extracomment>
            <translation>Карточка звонка</translation>
        </message>
        <message>
            <source>Type or paste a number</source>
            <translation>Введите или вставьте номер</translation>
        </message>
        <message>
            <source>Number to look up</source>
            <translation>Номер для поиска</translation>
        </message>
        <message>
            <source>In</source>
            <translation>Вх.</translation>
        </message>
        <message>
            <source>Incoming: they are calling us</source>
            <translation>Входящий: звонят нам</translation>
        </message>
        <message>
            <source>Incoming call</source>
            <translation>Входящий звонок</translation>
        </message>
        <message>
            <source>Out</source>
            <translation>Исх.</translation>
        </message>
        <message>
            <source>Outgoing: we are calling them</source>
            <translation>Исходящий: звоним мы</translation>
        </message>
        <message>
            <source>Outgoing call</source>
            <translation>Исходящий звонок</translation>
        </message>
        <message>
            <source>Hint</source>
            <translation>Подсказка</translation>
        </message>
        <message>
            <source>What they expect</source>
            <translation>Чего ждёт собеседник</translation>
        </message>
        <message>
            <source>What you promised</source>
            <translation>Что вы обещали</translation>
        </message>
        <message>
            <source>Person</source>
            <translation>Собеседник</translation>
        </message>
        <message>
            <source>Number</source>
            <translation>Номер</translation>
        </message>
        <message>
            <source>Call</source>
            <translation>Позвонить</translation>
        </message>
        <message>
            <source>Call this number</source>
            <translation>Позвонить на этот номер</translation>
        </message>
        <message>
            <source>Warnings</source>
            <translation>Предупреждения</translation>
        </message>
        <message>
            <source>Context</source>
            <translation>Что известно</translation>
        </message>
        <message>
            <source>Note (optional)</source>
            <translation>Заметка (необязательно)</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>Заметка</translation>
        </message>
        <message>
            <source>Log “{name}” (key {key})</source>
            <translation>Записать «{name}» (клавиша {key})</translation>
        </message>
        <message>
            <source>Last logged outcome</source>
            <translation>Последний записанный результат</translation>
        </message>
        <message>
            <source>Undo</source>
            <translation>Отменить</translation>
        </message>
        <message>
            <source>Undo the last outcome</source>
            <translation>Отменить последний результат</translation>
        </message>
        <message>
            <source>Last calls</source>
            <translation>Последние звонки</translation>
        </message>
        <message>
            <source>Last calls with this person</source>
            <translation>Последние звонки с этим человеком</translation>
        </message>
        <message>
            <source>Error</source>
            <translation>Ошибка</translation>
        </message>
        <message>
            <source>Notice</source>
            <translation>Уведомление</translation>
        </message>
        <message>
            <source>Switch to the other call</source>
            <translation>Переключиться на другой звонок</translation>
        </message>
        <message>
            <source>Several people share this number. Who is it?</source>
            <translation>Этим номером пользуются несколько человек. Кто это?</translation>
        </message>
        <message>
            <source>Save as contact…</source>
            <translation>Сохранить контакт…</translation>
        </message>
        <message>
            <source>Save this number as a contact</source>
            <translation>Сохранить номер как контакт</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Имя</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Компания</translation>
        </message>
        <message>
            <source>How well they know you</source>
            <translation>Насколько хорошо вас знают</translation>
        </message>
        <message>
            <source>Doesn't know us</source>
            <translation>Не знает нас</translation>
        </message>
        <message>
            <source>Knows the company</source>
            <translation>Знает компанию</translation>
        </message>
        <message>
            <source>Knows me personally</source>
            <translation>Знает меня лично</translation>
        </message>
        <message>
            <source>Save contact</source>
            <translation>Сохранить контакт</translation>
        </message>
        <message>
            <source>Knows us</source>
            <translation>Знает нас</translation>
        </message>
        <message>
            <source>How did they find us?</source>
            <translation>Как о нас узнали?</translation>
        </message>
        <message>
            <source>Who recommended us?</source>
            <translation>Кто нас порекомендовал?</translation>
        </message>
        <message>
            <source>Referrer's name</source>
            <translation>Имя рекомендателя</translation>
        </message>
        <message>
            <source>OK</source>
            <translation>ОК</translation>
        </message>
        <message>
            <source>Save the referrer</source>
            <translation>Сохранить рекомендателя</translation>
        </message>
        <message>
            <source>Actually it is:</source>
            <translation>На самом деле это:</translation>
        </message>
        <message>
            <source>No call yet.
When a number rings or is dialled, its card appears here.
You can also type or paste a number above.</source>
            <translation>Звонка пока нет.
Когда зазвонит телефон или вы наберёте номер, здесь появится его карточка.
Номер можно также ввести или вставить выше.</translation>
        </message>
        <message>
            <source>The call with {who} is waiting in “To log”.</source>
            <translation>Звонок ({who}) ждёт во вкладке «Записать».</translation>
        </message>
        <message>
            <source>withheld number</source>
            <translation>скрытый номер</translation>
        </message>
        <message>
            <source>ext.</source>
            <translation>доб.</translation>
        </message>
        <message>
            <source>⇄ Back to the call with {who}</source>
            <translation>⇄ Вернуться к звонку: {who}</translation>
        </message>
        <message>
            <source>The call ended after {time}. Log how it went: keys 1–7.</source>
            <translation>Звонок закончился через {time}. Отметьте, чем он закончился: клавиши 1–7.</translation>
        </message>
        <message>
            <source>Not in your contacts</source>
            <translation>Нет в ваших контактах</translation>
        </message>
        <message>
            <source>Shared number: {n} people</source>
            <translation>Общий номер: {n} чел.</translation>
        </message>
        <message>
            <source>(no name)</source>
            <translation>(без имени)</translation>
        </message>
        <message>
            <source>no number</source>
            <translation>нет номера</translation>
        </message>
        <message>
            <source>their time {time}</source>
            <translation>у них {time}</translation>
        </message>
        <message>
            <source>Call {number}</source>
            <translation>Позвонить: {number}</translation>
        </message>
        <message>
            <source>Overdue: you promised</source>
            <translation>Просрочено — вы обещали</translation>
        </message>
        <message>
            <source>You promised</source>
            <translation>Вы обещали</translation>
        </message>
        <message>
            <source>This is {name}</source>
            <translation>Это {name}</translation>
        </message>
        <message>
            <source>not logged</source>
            <translation>не записан</translation>
        </message>
        <message>
            <source>Who recommended us? Enter the name, then log.</source>
            <translation>Кто нас порекомендовал? Введите имя, затем запишите результат.</translation>
        </message>
        <message>
            <source>Logged: {outcome}</source>
            <translation>Записано: {outcome}</translation>
        </message>
        <message>
            <source>Do not call</source>
            <translation>Не звонить</translation>
        </message>
        <message>
            <source>“{name}” asked not to be called. Call anyway?</source>
            <translation>«{name}» просил не звонить. Всё равно позвонить?</translation>
        </message>
        <message>
            <source>Call anyway</source>
            <translation>Всё равно позвонить</translation>
        </message>
        <message>
            <source>mobile</source>
            <translation>мобильный</translation>
        </message>
        <message>
            <source>landline</source>
            <translation>стационарный</translation>
        </message>
        <message>
            <source>toll-free</source>
            <translation>бесплатный</translation>
        </message>
        <message>
            <source>premium rate</source>
            <translation>платный</translation>
        </message>
        <message>
            <source>VoIP</source>
            <translation>IP-телефония</translation>
        </message>
    </context>
    <context>
        <name>ContactsView</name>
        <message>
            <source>Contacts</source>
            <extracomment>narrower than this, the form goes below the list the warning red, lightened enough to read on a dark window Import… was clicked: the window asks for the file and runs the import the contact in the form; None while a new one is being written</extracomment>
            <translation>Контакты</translation>
        </message>
        <message>
            <source>(no name)</source>
            <translation>(без имени)</translation>
        </message>
        <message>
            <source>Contact list and form</source>
            <translation>Список контактов и форма</translation>
        </message>
        <message>
            <source>Search name, company or number</source>
            <translation>Имя, компания или номер</translation>
        </message>
        <message>
            <source>Search contacts</source>
            <translation>Поиск контактов</translation>
        </message>
        <message>
            <source>Number of contacts found</source>
            <translation>Сколько контактов найдено</translation>
        </message>
        <message>
            <source>Contacts found</source>
            <translation>Найденные контакты</translation>
        </message>
        <message>
            <source>Import…</source>
            <translation>Импорт…</translation>
        </message>
        <message>
            <source>Import contacts or calls from a file (Ctrl+I)</source>
            <translation>Импортировать контакты или звонки из файла (Ctrl+I)</translation>
        </message>
        <message>
            <source>Import contacts or calls from a file</source>
            <translation>Импортировать контакты или звонки из файла</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>Экспорт…</translation>
        </message>
        <message>
            <source>Export every contact to a CSV or vCard file</source>
            <translation>Выгрузить все контакты в файл CSV или vCard</translation>
        </message>
        <message>
            <source>Export every contact to a file</source>
            <translation>Выгрузить все контакты в файл</translation>
        </message>
        <message>
            <source>Contact being edited</source>
            <translation>Редактируемый контакт</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Имя</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Компания</translation>
        </message>
        <message>
            <source>Phone numbers, one per line</source>
            <translation>Телефоны, по одному в строке</translation>
        </message>
        <message>
            <source>One number per line</source>
            <translation>По одному номеру в строке</translation>
        </message>
        <message>
            <source>Number to call</source>
            <translation>Номер для звонка</translation>
        </message>
        <message>
            <source>Call</source>
            <translation>Позвонить</translation>
        </message>
        <message>
            <source>Call the chosen number</source>
            <translation>Позвонить на выбранный номер</translation>
        </message>
        <message>
            <source>E-mail</source>
            <translation>Эл. почта</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Статус</translation>
        </message>
        <message>
            <source>How well they know you</source>
            <translation>Насколько хорошо вас знают</translation>
        </message>
        <message>
            <source>Knows me personally</source>
            <translation>Знает меня лично</translation>
        </message>
        <message>
            <source>Knows the company</source>
            <translation>Знает компанию</translation>
        </message>
        <message>
            <source>Doesn't know us</source>
            <translation>Не знает нас</translation>
        </message>
        <message>
            <source>Referred by</source>
            <translation>Кто нас порекомендовал</translation>
        </message>
        <message>
            <source>Save the contact</source>
            <translation>Сохранить контакт</translation>
        </message>
        <message>
            <source>CSV table (Excel, other programs)</source>
            <translation>Таблица CSV (Excel и другие программы)</translation>
        </message>
        <message>
            <source>vCard (phones, address books)</source>
            <translation>vCard (телефоны, адресные книги)</translation>
        </message>
        <message>
            <source>Export contacts</source>
            <translation>Экспорт контактов</translation>
        </message>
        <message numerus="yes">
            <source>Contacts exported to {file}: %n.</source>
            <translation>
                <numerusform>В файл {file} выгружен %n контакт.</numerusform>
                <numerusform>В файл {file} выгружено %n контакта.</numerusform>
                <numerusform>В файл {file} выгружено %n контактов.</numerusform>
            </translation>
        </message>
        <message>
            <source>Who recommended us</source>
            <translation>Кто нас порекомендовал</translation>
        </message>
        <message>
            <source>&amp;Do not call</source>
            <translation>Не з&amp;вонить</translation>
        </message>
        <message>
            <source>Do not call: they asked not to be called</source>
            <translation>Не звонить: человек просил ему не звонить</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>Заметки</translation>
        </message>
        <message>
            <source>&amp;Name</source>
            <translation>&amp;Имя</translation>
        </message>
        <message>
            <source>&amp;Company</source>
            <translation>&amp;Компания</translation>
        </message>
        <message>
            <source>N&amp;umbers</source>
            <translation>&amp;Номера</translation>
        </message>
        <message>
            <source>&amp;E-mail</source>
            <translation>&amp;Эл. почта</translation>
        </message>
        <message>
            <source>&amp;Status</source>
            <translation>&amp;Статус</translation>
        </message>
        <message>
            <source>&amp;Knows us</source>
            <translation>&amp;Знает нас</translation>
        </message>
        <message>
            <source>&amp;Referred by</source>
            <translation>По &amp;рекомендации</translation>
        </message>
        <message>
            <source>N&amp;otes</source>
            <translation>За&amp;метки</translation>
        </message>
        <message>
            <source>Message</source>
            <translation>Сообщение</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>Сохранить</translation>
        </message>
        <message>
            <source>New</source>
            <translation>Новый</translation>
        </message>
        <message>
            <source>Delete…</source>
            <translation>Удалить…</translation>
        </message>
        <message>
            <source>Merge into…</source>
            <translation>Объединить…</translation>
        </message>
        <message>
            <source>Merge this contact into another one</source>
            <translation>Объединить этот контакт с другим</translation>
        </message>
        <message numerus="yes">
            <source>The first %n contacts are shown: type more to narrow the search.</source>
            <translation>
                <numerusform>Показан первый %n контакт: уточните запрос.</numerusform>
                <numerusform>Показаны первые %n контакта: уточните запрос.</numerusform>
                <numerusform>Показаны первые %n контактов: уточните запрос.</numerusform>
            </translation>
        </message>
        <message>
            <source>No contact matches. Press Enter to create one.</source>
            <translation>Ничего не найдено. Нажмите Enter, чтобы создать контакт.</translation>
        </message>
        <message>
            <source>No contacts yet. Fill in the form below to add one.</source>
            <translation>Контактов пока нет. Чтобы добавить, заполните форму ниже.</translation>
        </message>
        <message>
            <source>New contact</source>
            <translation>Новый контакт</translation>
        </message>
        <message>
            <source>Delete the contact</source>
            <translation>Удалить контакт</translation>
        </message>
        <message numerus="yes">
            <source>Contacts: %n</source>
            <translation>
                <numerusform>Контактов: %n</numerusform>
                <numerusform>Контактов: %n</numerusform>
                <numerusform>Контактов: %n</numerusform>
            </translation>
        </message>
        <message>
            <source>the new contact</source>
            <translation>новый контакт</translation>
        </message>
        <message>
            <source>Unsaved changes</source>
            <translation>Несохранённые изменения</translation>
        </message>
        <message>
            <source>Discard your changes to “{name}”?</source>
            <translation>Закрыть «{name}» без сохранения изменений?</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>Не сохранять</translation>
        </message>
        <message>
            <source>do not call · {status}</source>
            <translation>не звонить · {status}</translation>
        </message>
        <message>
            <source>Saved.</source>
            <translation>Сохранено.</translation>
        </message>
        <message>
            <source>Delete contact</source>
            <translation>Удаление контакта</translation>
        </message>
        <message>
            <source>Delete “{name}”? Their calls stay in the history and their numbers stay known.</source>
            <translation>Удалить «{name}»? Звонки останутся в истории, а номера по-прежнему будут узнаваться.</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Удалить</translation>
        </message>
        <message>
            <source>Deleted “{name}”.</source>
            <translation>Контакт «{name}» удалён.</translation>
        </message>
        <message>
            <source>Merge contacts</source>
            <translation>Объединение контактов</translation>
        </message>
        <message>
            <source>Merge “{other}” into “{keep}”? The numbers, calls and callbacks of “{other}” move to “{keep}”, its empty fields are filled in, and “{other}” is deleted.</source>
            <translation>Объединить «{other}» с «{keep}»? Номера, звонки и обратные звонки «{other}» перейдут к «{keep}», его пустые поля будут заполнены, а «{other}» будет удалён.</translation>
        </message>
        <message>
            <source>Merge</source>
            <translation>Объединить</translation>
        </message>
        <message>
            <source>“{other}” merged into “{keep}”.</source>
            <translation>Контакт «{other}» объединён с «{keep}».</translation>
        </message>
        <message>
            <source>Do not call</source>
            <translation>Не звонить</translation>
        </message>
        <message>
            <source>“{name}” asked not to be called. Call anyway?</source>
            <translation>«{name}» просит не звонить. Всё равно позвонить?</translation>
        </message>
        <message>
            <source>Call anyway</source>
            <translation>Всё равно позвонить</translation>
        </message>
    </context>
    <context>
        <name>HistoryView</name>
        <message>
            <source>Search name, number or note</source>
            <extracomment>a row was opened: its number (as stored, E.164 where known) and direction ("in"/"out") Call on a selected call: its number</extracomment>
            <translation>Имя, номер или заметка</translation>
        </message>
        <message>
            <source>Search calls by name, number or note</source>
            <translation>Поиск звонков по имени, номеру или заметке</translation>
        </message>
        <message>
            <source>Day</source>
            <translation>День</translation>
        </message>
        <message>
            <source>Any day</source>
            <translation>За всё время</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>Сегодня</translation>
        </message>
        <message>
            <source>Yesterday</source>
            <translation>Вчера</translation>
        </message>
        <message>
            <source>Last 7 days</source>
            <translation>За 7 дней</translation>
        </message>
        <message>
            <source>Last 30 days</source>
            <translation>За 30 дней</translation>
        </message>
        <message>
            <source>On a date…</source>
            <translation>Выбрать дату…</translation>
        </message>
        <message>
            <source>Date of the calls</source>
            <translation>Дата звонков</translation>
        </message>
        <message>
            <source>Kind of call</source>
            <translation>Вид звонка</translation>
        </message>
        <message>
            <source>All kinds</source>
            <translation>Все виды</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>Результат</translation>
        </message>
        <message>
            <source>All outcomes</source>
            <translation>Все результаты</translation>
        </message>
        <message>
            <source>Not logged</source>
            <translation>Не записан</translation>
        </message>
        <message>
            <source>Rep</source>
            <translation>Менеджер</translation>
        </message>
        <message>
            <source>Calls, newest first</source>
            <translation>Звонки, сначала новые</translation>
        </message>
        <message>
            <source>Call</source>
            <translation>Позвонить</translation>
        </message>
        <message>
            <source>How many calls are shown</source>
            <translation>Сколько звонков показано</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>Экспорт…</translation>
        </message>
        <message>
            <source>Export every call (not only those shown) to a CSV file</source>
            <translation>Выгрузить все звонки (не только показанные) в файл CSV</translation>
        </message>
        <message>
            <source>Export every call to a CSV file</source>
            <translation>Выгрузить все звонки в файл CSV</translation>
        </message>
        <message>
            <source>Call the number of the selected call (Ctrl+Enter)</source>
            <translation>Позвонить на номер выбранного звонка (Ctrl+Enter)</translation>
        </message>
        <message>
            <source>Call the number of the selected call</source>
            <translation>Позвонить на номер выбранного звонка</translation>
        </message>
        <message>
            <source>All reps</source>
            <translation>Все менеджеры</translation>
        </message>
        <message>
            <source>%1 (you)</source>
            <translation>%1 (вы)</translation>
        </message>
        <message>
            <source>No calls match.</source>
            <translation>Подходящих звонков нет.</translation>
        </message>
        <message>
            <source>No calls yet.</source>
            <translation>Звонков пока нет.</translation>
        </message>
        <message numerus="yes">
            <source>Showing the newest %n. Narrow the filter to see older calls.</source>
            <translation>
                <numerusform>Показан последний %n звонок. Сузьте фильтр, чтобы увидеть более ранние.</numerusform>
                <numerusform>Показаны последние %n звонка. Сузьте фильтр, чтобы увидеть более ранние.</numerusform>
                <numerusform>Показаны последние %n звонков. Сузьте фильтр, чтобы увидеть более ранние.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Calls: %n</source>
            <translation>
                <numerusform>Звонков: %n</numerusform>
                <numerusform>Звонков: %n</numerusform>
                <numerusform>Звонков: %n</numerusform>
            </translation>
        </message>
        <message>
            <source>CSV table (Excel, other programs)</source>
            <translation>Таблица CSV (Excel и другие программы)</translation>
        </message>
        <message>
            <source>Export calls</source>
            <translation>Экспорт звонков</translation>
        </message>
        <message numerus="yes">
            <source>Calls exported to {file}: %n.</source>
            <translation>
                <numerusform>В файл {file} выгружен %n звонок.</numerusform>
                <numerusform>В файл {file} выгружено %n звонка.</numerusform>
                <numerusform>В файл {file} выгружено %n звонков.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ImportDialog</name>
        <message>
            <source>Import {file}</source>
            <extracomment>rows of the "will be imported as" preview in sight under a table's columns (it scrolls) the share of the progress bar that reading takes (parsing the numbers is most of the work) files the window imports (dropped on it, or picked with Ctrl+I) an import that created or updated something: its ImportReport the import ended: "imported", "cancelled" or "failed"</extracomment>
            <translation>Импорт: {file}</translation>
        </message>
        <message>
            <source>Import a file</source>
            <translation>Импорт файла</translation>
        </message>
        <message>
            <source>File</source>
            <translation>Файл</translation>
        </message>
        <message>
            <source>What the file is</source>
            <translation>Что это за файл</translation>
        </message>
        <message numerus="yes">
            <source>{format} · cards: %Ln</source>
            <translation>
                <numerusform>{format} · %Ln карточка</numerusform>
                <numerusform>{format} · %Ln карточки</numerusform>
                <numerusform>{format} · %Ln карточек</numerusform>
            </translation>
        </message>
        <message>
            <source>{format} · no rows</source>
            <translation>{format} · строк нет</translation>
        </message>
        <message numerus="yes">
            <source>{format} · rows: %Ln</source>
            <translation>
                <numerusform>{format} · %Ln строка</numerusform>
                <numerusform>{format} · %Ln строки</numerusform>
                <numerusform>{format} · %Ln строк</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{format} · rows: about %Ln</source>
            <translation>
                <numerusform>{format} · около %Ln строки</numerusform>
                <numerusform>{format} · около %Ln строк</numerusform>
                <numerusform>{format} · около %Ln строк</numerusform>
            </translation>
        </message>
        <message>
            <source>Check what each column holds; columns marked — are not imported.</source>
            <translation>Проверьте, что в каждом столбце; столбцы с «—» не импортируются.</translation>
        </message>
        <message>
            <source>The file has a header row but no rows to import.</source>
            <translation>В файле есть строка заголовков, но нет строк для импорта.</translation>
        </message>
        <message numerus="yes">
            <source>Show the empty columns (%n)</source>
            <translation>
                <numerusform>Показать пустые столбцы (%n)</numerusform>
                <numerusform>Показать пустые столбцы (%n)</numerusform>
                <numerusform>Показать пустые столбцы (%n)</numerusform>
            </translation>
        </message>
        <message>
            <source>Columns with nothing in the first rows of the file</source>
            <translation>Столбцы, пустые в первых строках файла</translation>
        </message>
        <message>
            <source>The first cards will be imported as:</source>
            <translation>Первые карточки будут импортированы так:</translation>
        </message>
        <message>
            <source>Will be imported as:</source>
            <translation>Будет импортировано так:</translation>
        </message>
        <message>
            <source>How the first rows will be imported</source>
            <translation>Как будут импортированы первые строки</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Имя</translation>
        </message>
        <message>
            <source>Phones</source>
            <translation>Телефоны</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Компания</translation>
        </message>
        <message>
            <source>Whose calls are these, where the file does not say?</source>
            <translation>Чьи это звонки, если в файле не сказано?</translation>
        </message>
        <message>
            <source>&amp;Mine</source>
            <translation>&amp;Мои</translation>
        </message>
        <message>
            <source>My &amp;colleagues'</source>
            <translation>&amp;Коллег</translation>
        </message>
        <message>
            <source>How well do these people know you?</source>
            <translation>Насколько хорошо эти люди вас знают?</translation>
        </message>
        <message>
            <source>&amp;Personally</source>
            <translation>&amp;Лично</translation>
        </message>
        <message>
            <source>Through the &amp;company</source>
            <translation>Через &amp;компанию</translation>
        </message>
        <message>
            <source>&amp;Not at all (a bought list)</source>
            <translation>&amp;Никак (купленная база)</translation>
        </message>
        <message>
            <source>Why it cannot be imported yet</source>
            <translation>Почему пока нельзя импортировать</translation>
        </message>
        <message>
            <source>Import</source>
            <translation>Импорт</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Отмена</translation>
        </message>
        <message>
            <source>Close without importing</source>
            <translation>Закрыть без импорта</translation>
        </message>
        <message>
            <source>Import progress</source>
            <translation>Ход импорта</translation>
        </message>
        <message>
            <source>Import status</source>
            <translation>Состояние импорта</translation>
        </message>
        <message>
            <source>Cancel the import</source>
            <translation>Отменить импорт</translation>
        </message>
        <message>
            <source>What the import did</source>
            <translation>Что сделал импорт</translation>
        </message>
        <message>
            <source>Details</source>
            <translation>Подробности</translation>
        </message>
        <message>
            <source>Problems, one per line</source>
            <translation>Замечания, по одному в строке</translation>
        </message>
        <message>
            <source>Copy problems</source>
            <translation>Скопировать замечания</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Закрыть</translation>
        </message>
        <message>
            <source>(no name)</source>
            <translation>(без имени)</translation>
        </message>
        <message>
            <source>no number: skipped</source>
            <translation>нет номера: пропущено</translation>
        </message>
        <message>
            <source>There is nothing to import.</source>
            <translation>Импортировать нечего.</translation>
        </message>
        <message>
            <source>Choose the column that holds the phone numbers: set its field to “{field}”.</source>
            <translation>Укажите столбец с номерами телефонов: выберите для него «{field}».</translation>
        </message>
        <message>
            <source>Choose the columns for: {fields}.</source>
            <translation>Укажите столбцы для: {fields}.</translation>
        </message>
        <message>
            <source>Reading the file…</source>
            <translation>Чтение файла…</translation>
        </message>
        <message>
            <source>Nothing is saved until the end: you can cancel at any time.</source>
            <translation>До конца ничего не сохраняется: импорт можно отменить в любой момент.</translation>
        </message>
        <message>
            <source>Read {done} of about {total} rows.</source>
            <translation>Прочитано {done} из примерно {total} строк.</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Сохранение…</translation>
        </message>
        <message>
            <source>Saved {done} of {total}.</source>
            <translation>Сохранено {done} из {total}.</translation>
        </message>
        <message>
            <source>Cancelling…</source>
            <translation>Отмена…</translation>
        </message>
        <message>
            <source>Stop the import?</source>
            <translation>Остановить импорт?</translation>
        </message>
        <message>
            <source>The import is not finished. Stop it? Nothing will be imported.</source>
            <translation>Импорт не закончен. Остановить его? Ничего не будет импортировано.</translation>
        </message>
        <message>
            <source>Stop the import</source>
            <translation>Остановить импорт</translation>
        </message>
        <message numerus="yes">
            <source>Problems: %n (each line says what happened to that row)</source>
            <translation>
                <numerusform>%n замечание (в каждой строке — что стало с этой строкой файла)</numerusform>
                <numerusform>%n замечания (в каждой строке — что стало с этой строкой файла)</numerusform>
                <numerusform>%n замечаний (в каждой строке — что стало с этой строкой файла)</numerusform>
            </translation>
        </message>
        <message>
            <source>No problems.</source>
            <translation>Замечаний нет.</translation>
        </message>
        <message>
            <source>Cancelled: nothing was imported.</source>
            <translation>Отменено: ничего не импортировано.</translation>
        </message>
        <message>
            <source>The import failed.</source>
            <translation>Импорт не удался.</translation>
        </message>
        <message>
            <source>Nothing was imported.</source>
            <translation>Ничего не импортировано.</translation>
        </message>
    </context>
    <context>
        <name>KindStrip</name>
        <message>
            <source>Kind of call</source>
            <extracomment>after a call from outside took the keyboard, digits this soon were typed for another program</extracomment>
            <translation>Вид звонка</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Views</source>
            <extracomment>how often the window looks for callbacks that fell due more callbacks falling due at once than this get one notification together a phone link for the number we just gave the OS to dial, this soon, is that same call a tray notification to show: title, message (the tray shows it; clicking it opens the Callbacks view through ``open_callbacks``) the callbacks or their count changed (the tray's tooltip says how many are due) (callback id, due) already notified: once per callback per due time the number last handed to the OS to dial, and until when its link is ours</extracomment>
            <translation>Разделы</translation>
        </message>
        <message>
            <source>Card</source>
            <translation>Карточка</translation>
        </message>
        <message>
            <source>To log</source>
            <translation>Записать</translation>
        </message>
        <message>
            <source>Callbacks</source>
            <translation>Перезвоны</translation>
        </message>
        <message>
            <source>History</source>
            <translation>История</translation>
        </message>
        <message>
            <source>Contacts</source>
            <translation>Контакты</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>Сегодня</translation>
        </message>
        <message>
            <source>Settings</source>
            <translation>Настройки</translation>
        </message>
        <message>
            <source>Keep on top of other windows</source>
            <translation>Поверх других окон</translation>
        </message>
        <message>
            <source>Call Companion is open on another database. To open {database}, quit this window first (tray icon → Quit), then start Call Companion again.</source>
            <translation>Call Companion открыт с другой базой. Чтобы открыть {database}, сначала закройте это окно (значок в трее → «Выход»), затем снова запустите Call Companion.</translation>
        </message>
        <message>
            <source>Softphones cannot reach this window: {why}</source>
            <translation>Софтфоны не могут связаться с этим окном: {why}</translation>
        </message>
        <message>
            <source>Copied {number}: press Enter in the number box for its card.</source>
            <translation>Скопирован номер {number}: нажмите Enter в поле номера, чтобы увидеть его карточку.</translation>
        </message>
        <message>
            <source>Demo: the number is not dialled.</source>
            <translation>Демо: номер не набирается.</translation>
        </message>
        <message>
            <source>Nothing on this computer dials phone links: choose your softphone in Settings → Phone links, then Call dials it.</source>
            <translation>На этом компьютере нечем набирать телефонные ссылки: выберите софтфон в «Настройки → Телефонные ссылки», и кнопка «Позвонить» будет набирать через него.</translation>
        </message>
        <message>
            <source>Team database state</source>
            <translation>Состояние командной базы</translation>
        </message>
        <message>
            <source>Do not call</source>
            <translation>Не звонить</translation>
        </message>
        <message>
            <source>“{name}” asked not to be called. Call anyway?</source>
            <translation>«{name}» просил не звонить. Всё равно позвонить?</translation>
        </message>
        <message>
            <source>Call anyway</source>
            <translation>Всё равно позвонить</translation>
        </message>
        <message>
            <source>There is no number to dial.</source>
            <translation>Нет номера, который можно набрать.</translation>
        </message>
        <message>
            <source>Demo: this call is ringing now — press a digit 1–7 to log it. Every kind of card is in History (double-click a call) and Contacts (Call).</source>
            <translation>Демо: этот звонок идёт прямо сейчас — нажмите цифру 1–7, чтобы записать результат. Карточки всех видов — в «Истории» (двойной щелчок по звонку) и в «Контактах» (кнопка «Позвонить»).</translation>
        </message>
        <message>
            <source>Callbacks due: {n}</source>
            <translation>Пора перезвонить: {n}</translation>
        </message>
        <message>
            <source>Call back {names} and others.</source>
            <translation>Перезвоните: {names} и другим.</translation>
        </message>
        <message>
            <source>Call back {name}: {promise}</source>
            <translation>Перезвоните: {name} — {promise}</translation>
        </message>
        <message>
            <source>Call back {name}.</source>
            <translation>Перезвоните: {name}.</translation>
        </message>
        <message>
            <source>It is {time} there.</source>
            <translation>У них сейчас {time}.</translation>
        </message>
        <message>
            <source>Callback due</source>
            <translation>Пора перезвонить</translation>
        </message>
        <message>
            <source>no number</source>
            <translation>нет номера</translation>
        </message>
        <message>
            <source>Contacts and call lists</source>
            <translation>Контакты и списки звонков</translation>
        </message>
        <message>
            <source>All files</source>
            <translation>Все файлы</translation>
        </message>
        <message>
            <source>Import contacts or calls</source>
            <translation>Импорт контактов или звонков</translation>
        </message>
        <message>
            <source>Import</source>
            <translation>Импорт</translation>
        </message>
        <message>
            <source>An import is running: wait for it to end (or cancel it) before importing {file}.</source>
            <translation>Идёт импорт: дождитесь его окончания (или отмените его), прежде чем импортировать {file}.</translation>
        </message>
        <message>
            <source>Cannot import {file}</source>
            <translation>Не удаётся импортировать {file}</translation>
        </message>
        <message numerus="yes">
            <source>Offline: the team database cannot be reached. Outcomes waiting to be sent: %n.</source>
            <translation>
                <numerusform>Нет связи с командной базой. Ждут отправки итогов: %n.</numerusform>
                <numerusform>Нет связи с командной базой. Ждут отправки итогов: %n.</numerusform>
                <numerusform>Нет связи с командной базой. Ждут отправки итогов: %n.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Sending the waiting outcomes to the team database: %n…</source>
            <translation>
                <numerusform>Отправляем ожидающие итоги звонков в командную базу: %n…</numerusform>
                <numerusform>Отправляем ожидающие итоги звонков в командную базу: %n…</numerusform>
                <numerusform>Отправляем ожидающие итоги звонков в командную базу: %n…</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Outcomes the team database refused: %n (kept on this computer; see companion.log).</source>
            <translation>
                <numerusform>Итогов, которые командная база не приняла: %n (сохранены на этом компьютере; см. companion.log).</numerusform>
                <numerusform>Итогов, которые командная база не приняла: %n (сохранены на этом компьютере; см. companion.log).</numerusform>
                <numerusform>Итогов, которые командная база не приняла: %n (сохранены на этом компьютере; см. companion.log).</numerusform>
            </translation>
        </message>
        <message>
            <source>Your name changed</source>
            <translation>Ваше имя изменилось</translation>
        </message>
        <message>
            <source>Calls and contacts are marked with the rep's name. Mark everything that was “{old}” as “{new}” too? (Say no if “{old}” is a colleague sharing this database.)</source>
            <translation>Звонки и контакты помечены именем менеджера. Пометить всё, что было за «{old}», как «{new}»? (Ответьте «нет», если «{old}» — коллега, работающий с этой же базой.)</translation>
        </message>
        <message>
            <source>Rename</source>
            <translation>Переименовать</translation>
        </message>
    </context>
    <context>
        <name>MappingTable</name>
        <message>
            <source>The first rows of the file</source>
            <extracomment>fields that may take several columns (the engine's rule) the width a column starts with, at least and at most</extracomment>
            <translation>Первые строки файла</translation>
        </message>
        <message>
            <source>Column {n}</source>
            <translation>Столбец {n}</translation>
        </message>
        <message>
            <source>What is in the column “{column}”?</source>
            <translation>Что в столбце «{column}»?</translation>
        </message>
        <message>
            <source>What is in this column? — means it is not imported.</source>
            <translation>Что в этом столбце? «—» — не импортировать.</translation>
        </message>
    </context>
    <context>
        <name>MergePicker</name>
        <message>
            <source>What is merged</source>
            <translation>Что объединяется</translation>
        </message>
        <message>
            <source>Find the contact to keep</source>
            <translation>Найдите контакт, который останется</translation>
        </message>
        <message>
            <source>Find the contact to merge into</source>
            <translation>Поиск контакта, с которым объединить</translation>
        </message>
        <message>
            <source>Contacts to merge into</source>
            <translation>Контакты для объединения</translation>
        </message>
        <message>
            <source>Merge</source>
            <translation>Объединить</translation>
        </message>
        <message>
            <source>Merge into the chosen contact</source>
            <translation>Объединить с выбранным контактом</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Отмена</translation>
        </message>
        <message>
            <source>Cancel merging</source>
            <translation>Отменить объединение</translation>
        </message>
        <message>
            <source>Merge “{name}” into:</source>
            <translation>Объединить «{name}» с контактом:</translation>
        </message>
    </context>
    <context>
        <name>SettingsView</name>
        <message>
            <source>My name as the rep</source>
            <translation>Моё имя (менеджер)</translation>
        </message>
        <message>
            <source>My name</source>
            <translation>Моё имя</translation>
        </message>
        <message>
            <source>Default region for numbers without a country code</source>
            <translation>Страна для номеров без кода страны</translation>
        </message>
        <message>
            <source>Default region</source>
            <translation>Страна по умолчанию</translation>
        </message>
        <message>
            <source>Calling hours start</source>
            <translation>Начало часов для звонков</translation>
        </message>
        <message>
            <source>Calling hours end</source>
            <translation>Конец часов для звонков</translation>
        </message>
        <message>
            <source>Calling hours (their time)</source>
            <translation>Часы звонков (по их времени)</translation>
        </message>
        <message>
            <source> min</source>
            <translation> мин</translation>
        </message>
        <message>
            <source>Default callback delay in minutes</source>
            <translation>Через сколько минут перезванивать по умолчанию</translation>
        </message>
        <message>
            <source>Call back after</source>
            <translation>Перезвонить через</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Язык</translation>
        </message>
        <message>
            <source>As the system</source>
            <translation>Как в системе</translation>
        </message>
        <message>
            <source>Keep the window on top during a call</source>
            <translation>Окно поверх других во время звонка</translation>
        </message>
        <message>
            <source>Always keep the window on top</source>
            <translation>Окно всегда поверх других</translation>
        </message>
        <message>
            <source>Start when I log in</source>
            <translation>Запускать при входе в систему</translation>
        </message>
        <message>
            <source>Open phone links here</source>
            <translation>Открывать здесь ссылки на номера</translation>
        </message>
        <message>
            <source>Use Call Companion for phone links</source>
            <translation>Открывать ссылки на телефоны в Call Companion</translation>
        </message>
        <message>
            <source>tel:, callto: and sip: links: a number clicked in a browser, an e-mail or a CRM shows its card here (for you only).</source>
            <translation>Ссылки tel:, callto: и sip: — номер, по которому вы щёлкнули в браузере, письме или CRM, откроется здесь своей карточкой (только для вас).</translation>
        </message>
        <message>
            <source>Open Default apps…</source>
            <translation>Открыть «Приложения по умолчанию»…</translation>
        </message>
        <message>
            <source>Open the Windows settings for default apps</source>
            <translation>Открыть параметры Windows для приложений по умолчанию</translation>
        </message>
        <message>
            <source>Save settings</source>
            <translation>Сохранить настройки</translation>
        </message>
        <message>
            <source>Settings message</source>
            <translation>Сообщение настроек</translation>
        </message>
        <message>
            <source>Enter your name: it marks your calls for the team.</source>
            <translation>Введите своё имя: по нему команда видит ваши звонки.</translation>
        </message>
        <message>
            <source>Could not change start-up: {why}</source>
            <translation>Не удалось изменить автозапуск: {why}</translation>
        </message>
        <message>
            <source>Saved.</source>
            <translation>Сохранено.</translation>
        </message>
        <message>
            <source>The new language applies when you restart Call Companion.</source>
            <translation>Новый язык заработает после перезапуска Call Companion.</translation>
        </message>
    </context>
    <context>
        <name>SoftphoneSettings</name>
        <message>
            <source>Softphone</source>
            <extracomment>a message for the rep after an action here (text, is it a problem)</extracomment>
            <translation>Софтфон</translation>
        </message>
        <message>
            <source>Your softphone tells Call Companion about each call. Choose it for the exact setup:</source>
            <translation>Софтфон сообщает Call Companion о каждом звонке. Выберите свой — и получите точную настройку:</translation>
        </message>
        <message>
            <source>Your softphone</source>
            <translation>Ваш софтфон</translation>
        </message>
        <message>
            <source>Opens a web address (3CX, Zoiper…)</source>
            <translation>Открывает веб-адрес (3CX, Zoiper…)</translation>
        </message>
        <message>
            <source>Another softphone that runs a program</source>
            <translation>Другой софтфон, который запускает программу</translation>
        </message>
        <message>
            <source>Setup steps</source>
            <translation>Шаги настройки</translation>
        </message>
        <message>
            <source>What to paste into the softphone</source>
            <translation>Что вставить в софтфон</translation>
        </message>
        <message>
            <source>Copy</source>
            <translation>Копировать</translation>
        </message>
        <message>
            <source>Copy the softphone setup</source>
            <translation>Скопировать настройку софтфона</translation>
        </message>
        <message>
            <source>Set up MicroSIP</source>
            <translation>Настроить MicroSIP</translation>
        </message>
        <message>
            <source>Set up MicroSIP for me</source>
            <translation>Настроить MicroSIP за меня</translation>
        </message>
        <message>
            <source>Writes these lines into MicroSIP's settings (quit MicroSIP first)</source>
            <translation>Записывает эти строки в настройки MicroSIP (сначала закройте MicroSIP)</translation>
        </message>
        <message>
            <source>Local web address</source>
            <translation>Локальный веб-адрес</translation>
        </message>
        <message>
            <source>Local web address for softphones that open a URL</source>
            <translation>Локальный веб-адрес для софтфонов, которые открывают ссылку</translation>
        </message>
        <message>
            <source>For softphones that open a URL on a call. Only this computer can reach it, and only with the secret key in the address.</source>
            <translation>Для софтфонов, которые при звонке открывают ссылку. Адрес доступен только с этого компьютера и только с секретным ключом.</translation>
        </message>
        <message>
            <source>Port of the local web address</source>
            <translation>Порт локального веб-адреса</translation>
        </message>
        <message>
            <source>Port</source>
            <translation>Порт</translation>
        </message>
        <message>
            <source>Phone links</source>
            <translation>Телефонные ссылки</translation>
        </message>
        <message>
            <source>After a phone link's card, dial with</source>
            <translation>После карточки по телефонной ссылке набирать номер через</translation>
        </message>
        <message>
            <source>Nothing: show the card only</source>
            <translation>Ничего: только показать карточку</translation>
        </message>
        <message>
            <source>My own command</source>
            <translation>Своя команда</translation>
        </message>
        <message>
            <source>Then dial with</source>
            <translation>Затем набрать через</translation>
        </message>
        <message>
            <source>Softphone program file</source>
            <translation>Файл программы софтфона</translation>
        </message>
        <message>
            <source>Found on this computer</source>
            <translation>Найдётся на этом компьютере</translation>
        </message>
        <message>
            <source>Program</source>
            <translation>Программа</translation>
        </message>
        <message>
            <source>Command that dials</source>
            <translation>Команда, которая набирает номер</translation>
        </message>
        <message>
            <source>Command</source>
            <translation>Команда</translation>
        </message>
        <message>
            <source>Card for a number I copy</source>
            <translation>Карточка скопированного номера</translation>
        </message>
        <message>
            <source>Show the card of a phone number I copy</source>
            <translation>Показывать карточку номера, который я копирую</translation>
        </message>
        <message>
            <source>A phone number copied in any program shows its card here</source>
            <translation>Номер телефона, скопированный в любой программе, сразу показывает здесь свою карточку</translation>
        </message>
        <message>
            <source>Turn on the local web address below first.</source>
            <translation>Сначала включите локальный веб-адрес ниже.</translation>
        </message>
        <message>
            <source>Not found: type the program's path</source>
            <translation>Не найден: укажите путь к программе</translation>
        </message>
        <message>
            <source>Copied. Paste it into the softphone's settings.</source>
            <translation>Скопировано. Вставьте это в настройки софтфона.</translation>
        </message>
        <message>
            <source>MicroSIP's settings file was not found on this computer.</source>
            <translation>Файл настроек MicroSIP на этом компьютере не найден.</translation>
        </message>
        <message>
            <source>MicroSIP is set up (its old settings are in {backup}). Start it and make a test call.</source>
            <translation>MicroSIP настроен (прежние настройки сохранены в {backup}). Запустите его и сделайте пробный звонок.</translation>
        </message>
    </context>
    <context>
        <name>TeamSettings</name>
        <message>
            <source>Team database</source>
            <extracomment>the team database to use from now on ("" = this computer's own file), to be saved a check has finished and its result is shown (a ``team.Probe``) what the window opened with (as far as the settings say): a change applies on restart</extracomment>
            <translation>Командная база</translation>
        </message>
        <message>
            <source>One history for the whole team: when a colleague has already talked to a caller, your next call with them starts warm, with what was said. Fill in what your admin sent you.</source>
            <translation>Одна история звонков на всю команду: если коллега уже говорил с человеком, ваш следующий звонок с ним начнётся не с нуля — вы увидите, о чём шла речь. Заполните поля тем, что прислал администратор.</translation>
        </message>
        <message>
            <source>Database in use</source>
            <translation>Используемая база</translation>
        </message>
        <message>
            <source>Paste an address</source>
            <translation>Вставить адрес</translation>
        </message>
        <message>
            <source>Fill in the fields from a copied postgresql:// address</source>
            <translation>Заполнить поля из скопированного адреса postgresql://</translation>
        </message>
        <message>
            <source>Fills in the fields from an address you copied (postgresql://…)</source>
            <translation>Заполняет поля по скопированному адресу (postgresql://…)</translation>
        </message>
        <message>
            <source>Team database server</source>
            <translation>Сервер командной базы</translation>
        </message>
        <message>
            <source>Name or IP address</source>
            <translation>Имя или IP-адрес</translation>
        </message>
        <message>
            <source>Server</source>
            <translation>Сервер</translation>
        </message>
        <message>
            <source>Team database port</source>
            <translation>Порт командной базы</translation>
        </message>
        <message>
            <source>Port</source>
            <translation>Порт</translation>
        </message>
        <message>
            <source>Team database name</source>
            <translation>Имя командной базы</translation>
        </message>
        <message>
            <source>Database</source>
            <translation>База данных</translation>
        </message>
        <message>
            <source>Team database user name</source>
            <translation>Пользователь командной базы</translation>
        </message>
        <message>
            <source>User</source>
            <translation>Пользователь</translation>
        </message>
        <message>
            <source>Team database password</source>
            <translation>Пароль командной базы</translation>
        </message>
        <message>
            <source>Kept in Call Companion's settings file on this computer, which only your user account can read.</source>
            <translation>Хранится в файле настроек Call Companion на этом компьютере; прочитать его может только ваша учётная запись.</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>Пароль</translation>
        </message>
        <message>
            <source>Test connection</source>
            <translation>Проверить подключение</translation>
        </message>
        <message>
            <source>Test the connection to the team database</source>
            <translation>Проверить подключение к командной базе</translation>
        </message>
        <message>
            <source>Use this team database</source>
            <translation>Использовать эту командную базу</translation>
        </message>
        <message>
            <source>Checks the connection first; applies after a restart</source>
            <translation>Сначала проверяет подключение; вступит в силу после перезапуска</translation>
        </message>
        <message>
            <source>Stop using it</source>
            <translation>Отключить</translation>
        </message>
        <message>
            <source>Stop using the team database</source>
            <translation>Отключить командную базу</translation>
        </message>
        <message>
            <source>Back to this computer's own history after a restart</source>
            <translation>После перезапуска — снова своя история на этом компьютере</translation>
        </message>
        <message>
            <source>Team database message</source>
            <translation>Сообщение о командной базе</translation>
        </message>
        <message>
            <source>Now: the team database “{name}” on {server}.</source>
            <translation>Сейчас: командная база «{name}» на сервере {server}.</translation>
        </message>
        <message>
            <source>Now: the team database {address}.</source>
            <translation>Сейчас: командная база {address}.</translation>
        </message>
        <message>
            <source>Now: this computer's own history, not shared.</source>
            <translation>Сейчас: своя история на этом компьютере, коллеги её не видят.</translation>
        </message>
        <message>
            <source>This applies when you restart Call Companion.</source>
            <translation>Изменение вступит в силу после перезапуска Call Companion.</translation>
        </message>
        <message>
            <source>The clipboard holds no postgresql:// address: copy the whole address your admin sent, or fill in the fields.</source>
            <translation>В буфере обмена нет адреса postgresql://. Скопируйте целиком адрес, который прислал администратор, или заполните поля.</translation>
        </message>
        <message>
            <source>Filled in from the address. Now test the connection.</source>
            <translation>Поля заполнены по адресу. Теперь проверьте подключение.</translation>
        </message>
        <message>
            <source>Enter the server's name or address (your admin sends it).</source>
            <translation>Введите имя или адрес сервера (его присылает администратор).</translation>
        </message>
        <message>
            <source>Enter the database's name (your admin sends it).</source>
            <translation>Введите имя базы данных (его присылает администратор).</translation>
        </message>
        <message>
            <source>This address is too long to use.</source>
            <translation>Этот адрес слишком длинный.</translation>
        </message>
        <message>
            <source>Saved. Restart Call Companion to go back to this computer's own history (tray icon → Quit, then start it again). The team's history stays on the server.</source>
            <translation>Сохранено. Перезапустите Call Companion, чтобы вернуться к своей истории на этом компьютере (значок в трее → «Выход», затем запустите его снова). История команды остаётся на сервере.</translation>
        </message>
        <message>
            <source>Connecting to {server}…</source>
            <translation>Подключение к {server}…</translation>
        </message>
        <message>
            <source>Saved. Restart Call Companion to switch to the team database (tray icon → Quit, then start it again). Until then, your softphone's calls go to the team database without a card here.</source>
            <translation>Сохранено. Перезапустите Call Companion, чтобы перейти на командную базу (значок в трее → «Выход», затем запустите его снова). До перезапуска звонки из софтфона записываются в командную базу, но их карточка здесь не открывается.</translation>
        </message>
        <message>
            <source>Not changed: {why}</source>
            <translation>Не изменено: {why}</translation>
        </message>
    </context>
    <context>
        <name>ToLogView</name>
        <message>
            <source>Calls to log</source>
            <translation>Звонки без результата</translation>
        </message>
        <message>
            <source>Calls without an outcome</source>
            <translation>Звонки без результата</translation>
        </message>
        <message>
            <source>Log it</source>
            <translation>Записать</translation>
        </message>
        <message>
            <source>Open the card to log this call</source>
            <translation>Открыть карточку и записать результат</translation>
        </message>
        <message>
            <source>Call back</source>
            <translation>Перезвонить</translation>
        </message>
        <message>
            <source>Call this number back</source>
            <translation>Перезвонить на этот номер</translation>
        </message>
        <message>
            <source>Still to log: {n}. Enter opens the card; the digits 1–7 log it there.</source>
            <translation>Без результата: {n}. Enter открывает карточку, цифры 1–7 записывают результат.</translation>
        </message>
        <message>
            <source>incoming</source>
            <translation>входящий</translation>
        </message>
        <message>
            <source>outgoing</source>
            <translation>исходящий</translation>
        </message>
        <message>
            <source>Nothing to log. Every call has its outcome.</source>
            <translation>Записывать нечего: у всех звонков есть результат.</translation>
        </message>
        <message>
            <source>withheld number</source>
            <translation>скрытый номер</translation>
        </message>
    </context>
    <context>
        <name>TodayView</name>
        <message>
            <source>Today's calls</source>
            <extracomment>at least this wide, the two charts sit side by side outcome bars darken towards a deal: not reached, reached, consent to talk on (prospect), deal drawn as a hatched outline: something still open (calls without an outcome)</extracomment>
            <translation>Звонки за сегодня</translation>
        </message>
        <message>
            <source>Day</source>
            <translation>День</translation>
        </message>
        <message>
            <source>Whole team</source>
            <translation>Вся команда</translation>
        </message>
        <message>
            <source>Count the whole team's calls, not only mine</source>
            <translation>Считать звонки всей команды, а не только мои</translation>
        </message>
        <message>
            <source>No calls yet today</source>
            <translation>Сегодня звонков ещё не было</translation>
        </message>
        <message>
            <source>Conversion from connected call to deal</source>
            <translation>Конверсия из разговора в сделку</translation>
        </message>
        <message>
            <source>of connected calls
became a deal</source>
            <translation>разговоров
привели к сделке</translation>
        </message>
        <message>
            <source>Calls, connected calls and deals</source>
            <translation>Звонки, разговоры и сделки</translation>
        </message>
        <message>
            <source>Incoming and outgoing calls</source>
            <translation>Входящие и исходящие звонки</translation>
        </message>
        <message>
            <source>Calls by kind</source>
            <translation>Звонки по видам</translation>
        </message>
        <message>
            <source>Calls by outcome</source>
            <translation>Звонки по результатам</translation>
        </message>
        <message>
            <source>By kind</source>
            <translation>По видам</translation>
        </message>
        <message>
            <source>By outcome</source>
            <translation>По результатам</translation>
        </message>
        <message>
            <source>the whole team</source>
            <translation>вся команда</translation>
        </message>
        <message>
            <source>Today, {day} · {whose}</source>
            <translation>Сегодня, {day} · {whose}</translation>
        </message>
        <message>
            <source>Calls {calls} → connected {connected} → deals {deals}</source>
            <translation>Звонки {calls} → разговоры {connected} → сделки {deals}</translation>
        </message>
        <message>
            <source>← {incoming} incoming · → {outgoing} outgoing</source>
            <translation>← входящих: {incoming} · → исходящих: {outgoing}</translation>
        </message>
        <message>
            <source>{percent}%</source>
            <translation>{percent}%</translation>
        </message>
        <message>
            <source>Not logged yet</source>
            <translation>Не записаны</translation>
        </message>
    </context>
    <context>
        <name>Tray</name>
        <message>
            <source>Show Call Companion</source>
            <extracomment>how long a notification stays up, where the OS lets us say</extracomment>
            <translation>Показать Call Companion</translation>
        </message>
        <message>
            <source>Keep on top</source>
            <translation>Поверх других окон</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>Выход</translation>
        </message>
        <message>
            <source>to log: {n}</source>
            <translation>без результата: {n}</translation>
        </message>
        <message>
            <source>callbacks due: {n}</source>
            <translation>пора перезвонить: {n}</translation>
        </message>
    </context>
    <context>
        <name>argparse</name>
        <message>
            <source>usage: </source>
            <extracomment>commands that only read: they never create a database file what works with the team database away: cards from this computer's last knowledge, outcomes kept in its outbox (companion.offline) argparse's own words (usage, headings, its error messages), in the context lupdate files them under; argparse looks them up through its module's ``_``/``ngettext`` at the time it speaks</extracomment>
            <translation>использование: </translation>
        </message>
        <message>
            <source>positional arguments</source>
            <translation>позиционные аргументы</translation>
        </message>
        <message>
            <source>options</source>
            <translation>параметры</translation>
        </message>
        <message>
            <source>show this help message and exit</source>
            <translation>показать эту справку и выйти</translation>
        </message>
        <message>
            <source>the following arguments are required: %s</source>
            <translation>не хватает обязательных аргументов: %s</translation>
        </message>
        <message>
            <source>unrecognized arguments: %s</source>
            <translation>непонятные аргументы: %s</translation>
        </message>
        <message>
            <source>invalid choice: %(value)r (choose from %(choices)s)</source>
            <translation>нет такого варианта: %(value)r (есть: %(choices)s)</translation>
        </message>
        <message>
            <source>argument %(argument_name)s: %(message)s</source>
            <translation>аргумент %(argument_name)s: %(message)s</translation>
        </message>
        <message>
            <source>expected one argument</source>
            <translation>нужно одно значение</translation>
        </message>
        <message>
            <source>expected at most one argument</source>
            <translation>можно не больше одного значения</translation>
        </message>
        <message>
            <source>expected at least one argument</source>
            <translation>нужно хотя бы одно значение</translation>
        </message>
        <message>
            <source>expected %s argument</source>
            <translation>нужно значений: %s</translation>
        </message>
        <message>
            <source>expected %s arguments</source>
            <translation>нужно значений: %s</translation>
        </message>
        <message>
            <source>invalid %(type)s value: %(value)r</source>
            <translation>неверное значение (%(type)s): %(value)r</translation>
        </message>
        <message>
            <source>ambiguous option: %(option)s could match %(matches)s</source>
            <translation>неоднозначный параметр %(option)s: подходят %(matches)s</translation>
        </message>
        <message>
            <source>ignored explicit argument %r</source>
            <translation>лишнее значение %r</translation>
        </message>
        <message>
            <source>not allowed with argument %s</source>
            <translation>нельзя вместе с %s</translation>
        </message>
        <message>
            <source>one of the arguments %s is required</source>
            <translation>нужен один из аргументов %s</translation>
        </message>
        <message>
            <source>unexpected option string: %s</source>
            <translation>неожиданный параметр: %s</translation>
        </message>
    </context>
    <context>
        <name>backups</name>
        <message>
            <source>{file} is a folder; name the backup file.</source>
            <extracomment>how long a backup waits for another program's lock on the database before giving up</extracomment>
            <translation>{file} — папка; укажите имя файла копии.</translation>
        </message>
        <message>
            <source>{file} exists and is not a Call Companion backup; choose another name.</source>
            <translation>{file} уже есть, и это не резервная копия Call Companion; выберите другое имя.</translation>
        </message>
        <message>
            <source>{file} is the database itself.</source>
            <translation>{file} — это сама база данных.</translation>
        </message>
        <message>
            <source>Call Companion is open: quit it (Quit in its tray menu), then restore the backup.</source>
            <translation>Call Companion открыт: закройте его («Выход» в меню значка в трее), затем восстановите копию.</translation>
        </message>
        <message>
            <source>{file}: no such file.</source>
            <translation>{file}: такого файла нет.</translation>
        </message>
        <message>
            <source>{file} is a folder, not a backup file.</source>
            <translation>{file} — папка, а не файл копии.</translation>
        </message>
        <message>
            <source>{file} is not a Call Companion backup (not an SQLite file).</source>
            <translation>{file} — не резервная копия Call Companion (не файл SQLite).</translation>
        </message>
        <message>
            <source>{file} is an SQLite file of another program, not a Call Companion backup.</source>
            <translation>{file} — файл SQLite другой программы, а не резервная копия Call Companion.</translation>
        </message>
        <message>
            <source>{file} was made by a newer Call Companion (schema {version}, this version knows {known}); update the app to restore it.</source>
            <translation>{file} сделан более новой версией Call Companion (схема {version}, эта версия знает {known}); обновите приложение, чтобы восстановить его.</translation>
        </message>
        <message>
            <source>{file} is damaged ({why}); choose another backup.</source>
            <translation>{file} повреждён ({why}); выберите другую копию.</translation>
        </message>
        <message>
            <source>The backup could not be upgraded to this version ({why}).</source>
            <translation>Копию не удалось обновить до этой версии ({why}).</translation>
        </message>
        <message>
            <source>Not restored: the current database could not be kept first ({why}); nothing was changed.</source>
            <translation>Не восстановлено: не удалось сначала сохранить текущую базу ({why}); ничего не изменено.</translation>
        </message>
        <message>
            <source>An in-memory database has no file to back up.</source>
            <translation>У базы в памяти нет файла для резервной копии.</translation>
        </message>
        <message>
            <source>Only a database file is backed up here; back up a team database on its server.</source>
            <translation>Здесь копируется только файл базы; копию командной базы делайте на её сервере.</translation>
        </message>
        <message>
            <source>{db}: there is no database to back up yet.</source>
            <translation>{db}: базы для копирования ещё нет.</translation>
        </message>
        <message>
            <source>{db} is not a Call Companion database.</source>
            <translation>{db} — не база Call Companion.</translation>
        </message>
        <message>
            <source>{db} could not be backed up ({why}).</source>
            <translation>Не удалось сделать резервную копию {db} ({why}).</translation>
        </message>
        <message>
            <source>cannot write {file}: {why}.</source>
            <translation>не удаётся записать {file}: {why}.</translation>
        </message>
        <message>
            <source>Not restored: {db} could not be written ({why}).</source>
            <translation>Не восстановлено: не удалось записать {db} ({why}).</translation>
        </message>
        <message>
            <source>{file} cannot be read as a database ({why}).</source>
            <translation>{file} не читается как база данных ({why}).</translation>
        </message>
    </context>
    <context>
        <name>book</name>
        <message>
            <source>That contact no longer exists.</source>
            <translation>Этого контакта больше нет.</translation>
        </message>
        <message>
            <source>Enter a name, a company or a number.</source>
            <translation>Введите имя, компанию или номер.</translation>
        </message>
        <message>
            <source>“{raw}” is not a phone number that can be called: check the digits.</source>
            <translation>На номер «{raw}» позвонить нельзя: проверьте цифры.</translation>
        </message>
        <message>
            <source>Choose two different contacts to merge.</source>
            <translation>Для объединения выберите два разных контакта.</translation>
        </message>
        <message>
            <source>A withheld number cannot be saved.</source>
            <translation>Скрытый номер нельзя сохранить.</translation>
        </message>
        <message>
            <source>Unknown status {value!r}: use person, prospect or client.</source>
            <translation>Неизвестный статус {value!r}: укажите person, prospect или client.</translation>
        </message>
        <message>
            <source>Unknown familiarity {value!r}: use personal, company or none.</source>
            <translation>Неизвестная степень знакомства {value!r}: укажите personal, company или none.</translation>
        </message>
    </context>
    <context>
        <name>card</name>
        <message>
            <source>It would be {asked} there, outside calling hours: moved to {due} their time.</source>
            <extracomment>the person's wall-clock time now (the earliest where zones differ) False when the number spans several zones with different offsets the latest wall-clock time across the number's zones (equals ``local_time`` when exact) the person's local time at ``due``, where known the number to dial (E.164 where there is one); None for a callback without a number when the rep asked for it, if that was in the person's night and ``due`` was moved into their calling hours (only in the answer to the call that scheduled it) the person's local time at ``shifted_from`` the person's local time now, where known the person asked not to be called (ask before dialling) whom the callback is owed to (on a switchboard several people share the number)</extracomment>
            <translation>У них было бы {asked} — вне часов для звонков: перенесено на {due} по их времени.</translation>
        </message>
    </context>
    <context>
        <name>cli</name>
        <message>
            <source>(see --help)</source>
            <translation>(см. --help)</translation>
        </message>
        <message>
            <source>Call Companion: what kind of call this is, and one click to log it.</source>
            <translation>Call Companion: что это за звонок, и его итог одним щелчком.</translation>
        </message>
        <message>
            <source>show the card for a number (writes nothing)</source>
            <translation>показать карточку номера (ничего не записывает)</translation>
        </message>
        <message>
            <source>in (ringing) or out (dialling); default in</source>
            <translation>in — входящий, out — исходящий; по умолчанию in</translation>
        </message>
        <message>
            <source>print one JSON object</source>
            <translation>вывести один объект JSON</translation>
        </message>
        <message>
            <source>record a complete call with its outcome</source>
            <translation>записать завершённый звонок с его итогом</translation>
        </message>
        <message>
            <source>in or out</source>
            <translation>in (входящий) или out (исходящий)</translation>
        </message>
        <message>
            <source>when the call was (ISO 8601; default now)</source>
            <translation>когда был звонок (ISO 8601; по умолчанию сейчас)</translation>
        </message>
        <message>
            <source>with --outcome callback: when to call back (ISO 8601)</source>
            <translation>с --outcome callback: когда перезвонить (ISO 8601)</translation>
        </message>
        <message>
            <source>with --outcome callback: what was promised</source>
            <translation>с --outcome callback: что вы пообещали</translation>
        </message>
        <message>
            <source>override the kind of call (e.g. referral)</source>
            <translation>задать тип звонка вручную (например, referral — по рекомендации)</translation>
        </message>
        <message>
            <source>who recommended us (makes the caller a referral)</source>
            <translation>кто нас порекомендовал (звонок станет звонком по рекомендации)</translation>
        </message>
        <message>
            <source>the number is ringing in (softphone hook): the card in the window</source>
            <translation>звонит этот номер (для софтфона): карточка в окне</translation>
        </message>
        <message>
            <source>the number is being dialled (softphone hook): the card in the window</source>
            <translation>вы набираете этот номер (для софтфона): карточка в окне</translation>
        </message>
        <message>
            <source>the caller's display name, if the softphone gives one</source>
            <translation>имя звонящего, если софтфон его передаёт</translation>
        </message>
        <message>
            <source>take the caller from Linphone's command (its hook)</source>
            <translation>взять звонящего из команды Linphone (его хук)</translation>
        </message>
        <message>
            <source>record the call and print its card here, not in the window</source>
            <translation>записать звонок и вывести карточку здесь, а не в окне</translation>
        </message>
        <message>
            <source>the call was answered (softphone hook)</source>
            <translation>на звонок ответили (для софтфона)</translation>
        </message>
        <message>
            <source>the call ended (records its duration)</source>
            <translation>звонок закончился (записывает длительность)</translation>
        </message>
        <message>
            <source>open callbacks, overdue first</source>
            <translation>обещанные перезвоны, просроченные первыми</translation>
        </message>
        <message>
            <source>only those due now or overdue</source>
            <translation>только те, срок которых наступил или прошёл</translation>
        </message>
        <message>
            <source>import contacts (CSV, Excel, vCard) or a call history from a file</source>
            <translation>импорт контактов (CSV, Excel, vCard) или истории звонков из файла</translation>
        </message>
        <message>
            <source>what the file is (default: read from its contents)</source>
            <translation>что это за файл (по умолчанию определяется по содержимому)</translation>
        </message>
        <message>
            <source>how well people in the file know you, where a row does not say (default company)</source>
            <translation>насколько люди из файла вас знают, если в строке не указано (по умолчанию company — знают компанию)</translation>
        </message>
        <message>
            <source>FIELD=COLUMN,… for columns with other names (e.g. phone=Tel)</source>
            <translation>ПОЛЕ=СТОЛБЕЦ,… для столбцов с другими названиями (например, phone=Тел)</translation>
        </message>
        <message>
            <source>export calls or contacts to CSV (contacts to vCard: a FILE ending in .vcf)</source>
            <translation>экспорт звонков или контактов в CSV (контакты в vCard — если ФАЙЛ оканчивается на .vcf)</translation>
        </message>
        <message>
            <source>open the demo database (created with sample people and calls if none exists)</source>
            <translation>открыть демонстрационную базу (если её нет, она создаётся с примерами людей и звонков)</translation>
        </message>
        <message>
            <source>print a card of every kind instead of the window</source>
            <translation>вывести по карточке каждого типа вместо окна</translation>
        </message>
        <message>
            <source>what is in the database, and the calls still to log</source>
            <translation>что есть в базе и какие звонки ещё не отмечены</translation>
        </message>
        <message>
            <source>back up the database to FILE, restore it from a backup FILE, or copy it into a team database (migrate-to URL)</source>
            <translation>сделать резервную копию базы в ФАЙЛ, восстановить её из ФАЙЛА копии или скопировать её в командную базу (migrate-to URL)</translation>
        </message>
        <message>
            <source>backup, restore or migrate-to</source>
            <translation>backup — копия, restore — восстановление, migrate-to — перенос в другую базу</translation>
        </message>
        <message>
            <source>the backup file; for migrate-to, the team database (postgresql://user:password@host:5432/name) or another database file</source>
            <translation>файл резервной копии; для migrate-to — командная база (postgresql://user:password@host:5432/name) или другой файл базы</translation>
        </message>
        <message>
            <source>database file or URL (default: $COMPANION_DB, then the team database in Settings, then the data folder)</source>
            <translation>файл базы или URL (по умолчанию $COMPANION_DB, затем командная база из настроек, затем папка данных)</translation>
        </message>
        <message>
            <source>default region for national numbers, e.g. RU, US</source>
            <translation>регион для номеров без кода страны, например RU, US</translation>
        </message>
        <message>
            <source>your name as the rep (default: the OS user name)</source>
            <translation>ваше имя как менеджера (по умолчанию имя пользователя в системе)</translation>
        </message>
        <message>
            <source>language of the output</source>
            <translation>язык вывода</translation>
        </message>
        <message>
            <source>Unknown region {code}: use a two-letter country code such as RU or US.</source>
            <translation>Неизвестный регион {code}: укажите двухбуквенный код страны, например RU или US.</translation>
        </message>
        <message>
            <source>Cannot write {file}: {why}.</source>
            <translation>Не удаётся записать {file}: {why}.</translation>
        </message>
        <message>
            <source>{db}: cannot use this database ({why}).</source>
            <translation>{db}: не удаётся работать с базой данных ({why}).</translation>
        </message>
        <message>
            <source>No window is open: nothing to show.</source>
            <translation>Окно не открыто: показывать нечего.</translation>
        </message>
        <message>
            <source>No call in progress to end.</source>
            <translation>Нет текущего звонка, который можно завершить.</translation>
        </message>
        <message>
            <source>Call ended after {s} s.</source>
            <translation>Звонок завершён, длительность {s} с.</translation>
        </message>
        <message>
            <source>Saved on this computer: the team database cannot be reached. It is sent when the server is back ({n} waiting; the window sends them, or the next log).</source>
            <translation>Сохранено на этом компьютере: командная база недоступна. Запись отправится, когда сервер снова будет доступен (ждут отправки: {n}; их отправит окно или следующая команда log).</translation>
        </message>
        <message>
            <source>Calls are exported to CSV only; name the file .csv.</source>
            <translation>Звонки выгружаются только в CSV; дайте файлу расширение .csv.</translation>
        </message>
        <message>
            <source>Exported {n} rows to {path}.</source>
            <translation>Экспортировано строк: {n}, файл: {path}.</translation>
        </message>
        <message>
            <source>Demo database created with sample people and calls.</source>
            <translation>Создана демобаза с примерами контактов и звонков.</translation>
        </message>
        <message>
            <source>The window cannot start: {why}.</source>
            <translation>Не удаётся открыть окно: {why}.</translation>
        </message>
        <message>
            <source>db {action} works on a database file; back up a team database on its server.</source>
            <translation>db {action} работает с файлом базы; копию командной базы делайте на её сервере.</translation>
        </message>
        <message>
            <source>Backed up {db} to {file}.</source>
            <translation>Резервная копия {db} записана в {file}.</translation>
        </message>
        <message>
            <source>Restored {db} from {file}; the database it replaced is kept in {kept}.</source>
            <translation>{db} восстановлена из {file}; прежняя база сохранена в {kept}.</translation>
        </message>
        <message>
            <source>Restored {db} from {file}.</source>
            <translation>{db} восстановлена из {file}.</translation>
        </message>
        <message>
            <source>db migrate-to copies a database file into URL; {db} is a team database already.</source>
            <translation>db migrate-to копирует файл базы в URL, а {db} — уже командная база.</translation>
        </message>
        <message>
            <source>Copied {db} into {target}. New: contacts {contacts}, numbers {numbers}, calls {calls}, callbacks {callbacks}.</source>
            <translation>{db} скопирована в {target}. Добавлено контактов: {contacts}, номеров: {numbers}, звонков: {calls}, обратных звонков: {callbacks}.</translation>
        </message>
        <message>
            <source>Already there: contacts {contacts}, numbers {numbers}, calls {calls}, callbacks {callbacks}; rows completed: {filled}; duplicates joined: {joined}.</source>
            <translation>Уже были в базе — контактов: {contacts}, номеров: {numbers}, звонков: {calls}, обратных звонков: {callbacks}; дополнено записей: {filled}; объединено дублей: {joined}.</translation>
        </message>
        <message>
            <source>(no name)</source>
            <translation>(без имени)</translation>
        </message>
        <message>
            <source>Shared by: {names}</source>
            <translation>Общий номер: {names}</translation>
        </message>
        <message>
            <source>Not in your contacts.</source>
            <translation>Нет в ваших контактах.</translation>
        </message>
        <message>
            <source>(no number)</source>
            <translation>(нет номера)</translation>
        </message>
        <message>
            <source>their time {t}</source>
            <translation>у них {t}</translation>
        </message>
        <message>
            <source>Last calls:</source>
            <translation>Последние звонки:</translation>
        </message>
        <message>
            <source>not logged</source>
            <translation>не записан</translation>
        </message>
        <message>
            <source>Logged: {outcome} ({kind}).</source>
            <translation>Записано: {outcome} ({kind}).</translation>
        </message>
        <message>
            <source>Status: {status}.</source>
            <translation>Статус: {status}.</translation>
        </message>
        <message>
            <source>Callback due {due}.</source>
            <translation>Обратный звонок назначен на {due}.</translation>
        </message>
        <message>
            <source>No open callbacks.</source>
            <translation>Открытых обратных звонков нет.</translation>
        </message>
        <message>
            <source>({time} their time)</source>
            <translation>({time} по их времени)</translation>
        </message>
        <message>
            <source>{contacts} contacts, {calls} calls, {open_callbacks} open callbacks.</source>
            <translation>Контактов: {contacts}, звонков: {calls}, открытых обратных звонков: {open_callbacks}.</translation>
        </message>
        <message>
            <source>To log:</source>
            <translation>Без результата:</translation>
        </message>
        <message>
            <source>Try: companion lookup NUMBER · companion --help</source>
            <translation>Попробуйте: companion lookup НОМЕР · companion --help</translation>
        </message>
        <message>
            <source>{flag}: {text!r} is not a date and time like 2026-11-28T15:30.</source>
            <translation>{flag}: {text!r} — не дата и время вида 2026-11-28T15:30.</translation>
        </message>
    </context>
    <context>
        <name>demo</name>
        <message>
            <source>Marina</source>
            <translation>Марина</translation>
        </message>
        <message>
            <source>Buys every quarter</source>
            <translation>Закупает каждый квартал</translation>
        </message>
        <message>
            <source>From the trade-fair list</source>
            <translation>Из списка с выставки</translation>
        </message>
        <message>
            <source>Discussed the spring order</source>
            <extracomment>(number, direction): a card of every kind, for ``companion demo --show``</extracomment>
            <translation>Обсудили весенний заказ</translation>
        </message>
        <message>
            <source>50 units, invoice sent</source>
            <translation>50 штук, счёт отправлен</translation>
        </message>
        <message>
            <source>Wants a quote for Q1</source>
            <translation>Ждёт коммерческое предложение на I квартал</translation>
        </message>
        <message>
            <source>the price for 50 units, as promised</source>
            <translation>цену на 50 штук, как обещали</translation>
        </message>
        <message>
            <source>Waited 40 minutes to get through</source>
            <translation>Дозванивался 40 минут</translation>
        </message>
        <message>
            <source>Budget frozen until March</source>
            <translation>Бюджет заморожен до марта</translation>
        </message>
    </context>
    <context>
        <name>desk</name>
        <message>
            <source>Several people share this number: choose who this is first.</source>
            <extracomment>the outcomes that prove a status (interested, callback → prospect; deal → client) an incoming call within this long after the rep's own unanswered try is "calling back" how far the reps' computers' clocks may differ: undo counts the calls logged since this long before the one it takes back as "logged since" (a colleague's at the same moment)</extracomment>
            <translation>Этим номером пользуются несколько человек: сначала выберите, кто это.</translation>
        </message>
        <message>
            <source>The team database cannot be reached: this shows again when it is back (see the top line).</source>
            <extracomment>what psycopg2 and peewee say when the server is not there (no SQLSTATE: not the query's fault)</extracomment>
            <translation>Командная база недоступна: список появится снова, когда связь вернётся (см. строку вверху).</translation>
        </message>
        <message>
            <source>Cannot read the database: {why}</source>
            <translation>Не удаётся прочитать базу: {why}</translation>
        </message>
        <message>
            <source>Not saved: the database is locked by another program; try again.</source>
            <translation>Не сохранено: база данных занята другой программой; попробуйте ещё раз.</translation>
        </message>
        <message>
            <source>Not saved: the database is read-only.</source>
            <translation>Не сохранено: база данных открыта только для чтения.</translation>
        </message>
        <message>
            <source>Not saved: the disk is full; free some space and try again.</source>
            <translation>Не сохранено: диск заполнен; освободите место и попробуйте ещё раз.</translation>
        </message>
        <message>
            <source>Not saved: the database refused the change ({reason}).</source>
            <translation>Не сохранено: база данных не приняла изменение ({reason}).</translation>
        </message>
        <message>
            <source>That is not a phone number: more than {n} characters.</source>
            <translation>Это не номер телефона: больше {n} символов.</translation>
        </message>
        <message>
            <source>Number withheld: there is nothing to look up.</source>
            <translation>Номер скрыт: искать нечего.</translation>
        </message>
        <message>
            <source>This does not look like a valid number.</source>
            <translation>Похоже, такого номера не существует.</translation>
        </message>
        <message>
            <source>Do not call: they asked not to be called.</source>
            <translation>Не звонить: человек просил ему не звонить.</translation>
        </message>
        <message>
            <source>Last time this number turned out to be a wrong number.</source>
            <translation>В прошлый раз этот номер оказался не тем.</translation>
        </message>
        <message>
            <source>{n} contacts share this number: choose who this is.</source>
            <translation>Этот номер есть у нескольких контактов ({n}): выберите, кто это.</translation>
        </message>
        <message>
            <source>It is {time} there: outside calling hours ({start}–{end}).</source>
            <translation>У них сейчас {time}: это вне часов для звонков ({start}–{end}).</translation>
        </message>
        <message>
            <source>It may be {time} there (several time zones): outside calling hours ({start}–{end}).</source>
            <translation>У них может быть {time} (номер в нескольких часовых поясах): это вне часов для звонков ({start}–{end}).</translation>
        </message>
        <message>
            <source>Recommended by {name}.</source>
            <translation>По рекомендации: {name}.</translation>
        </message>
        <message>
            <source>They are calling about the callback you owe them (due {when})</source>
            <translation>Они звонят сами — вы обещали им перезвонить (до {when})</translation>
        </message>
        <message>
            <source>Callback overdue since {when}</source>
            <translation>Обратный звонок просрочен с {when}</translation>
        </message>
        <message>
            <source>Callback due {when}</source>
            <translation>Обратный звонок назначен на {when}</translation>
        </message>
        <message>
            <source>They are calling about the callback {rep} owes them (due {when})</source>
            <translation>Они звонят сами — им обещан обратный звонок от коллеги ({rep}, до {when})</translation>
        </message>
        <message>
            <source>{rep} owes them a callback, overdue since {when}</source>
            <translation>Обратный звонок от коллеги ({rep}) просрочен с {when}</translation>
        </message>
        <message>
            <source>{rep} owes them a callback (due {when})</source>
            <translation>Обратный звонок от коллеги ({rep}) назначен на {when}</translation>
        </message>
        <message>
            <source>You called them at {when}, no answer: they are calling back.</source>
            <translation>Вы звонили {when} и не дозвонились: вам перезванивают.</translation>
        </message>
        <message>
            <source>Last call: {when}, {outcome} ({rep}).</source>
            <translation>Последний звонок: {when}, {outcome} ({rep}).</translation>
        </message>
        <message>
            <source>{rep} on your team spoke with them on {when}.</source>
            <translation>С ними уже говорили: коллега {rep}, {when}.</translation>
        </message>
        <message>
            <source>A callback time goes only with the outcome callback.</source>
            <translation>Время обратного звонка указывается только с результатом callback («Перезвонить»).</translation>
        </message>
        <message>
            <source>A promise goes only with the outcome callback.</source>
            <translation>Обещание указывается только с результатом callback («Перезвонить»).</translation>
        </message>
        <message>
            <source>The callback time is before the call.</source>
            <translation>Время обратного звонка раньше самого звонка.</translation>
        </message>
        <message>
            <source>A callback needs a number to call: this one is withheld.</source>
            <translation>Для обратного звонка нужен номер, а этот скрыт.</translation>
        </message>
        <message>
            <source>There is no call number {id} to log.</source>
            <translation>Нет звонка № {id}, чтобы записать результат.</translation>
        </message>
        <message>
            <source>That call went the other way.</source>
            <translation>У этого звонка другое направление.</translation>
        </message>
        <message>
            <source>That call was with another number.</source>
            <translation>Этот звонок был с другим номером.</translation>
        </message>
        <message>
            <source>That contact does not have this number.</source>
            <translation>У этого контакта нет такого номера.</translation>
        </message>
        <message>
            <source>Cannot read the callbacks: {why}.</source>
            <translation>Не удаётся прочитать перезвоны: {why}.</translation>
        </message>
        <message>
            <source>In 10 minutes</source>
            <translation>Через 10 минут</translation>
        </message>
        <message>
            <source>In an hour</source>
            <translation>Через час</translation>
        </message>
        <message>
            <source>Tomorrow morning</source>
            <translation>Завтра утром</translation>
        </message>
        <message>
            <source>That time has passed: choose a time from now on.</source>
            <translation>Это время уже прошло: выберите время не раньше текущего.</translation>
        </message>
        <message>
            <source>Snooze for a positive number of minutes.</source>
            <translation>Отложить можно только на положительное число минут.</translation>
        </message>
        <message>
            <source>There is no callback {id}.</source>
            <translation>Перезвона {id} нет.</translation>
        </message>
        <message>
            <source>{rep} owes this callback: only they can change it.</source>
            <translation>Этот обратный звонок обещал коллега: изменить его может только {rep}.</translation>
        </message>
        <message>
            <source>That callback is already done.</source>
            <translation>Этот перезвон уже выполнен.</translation>
        </message>
        <message>
            <source>Enter your name.</source>
            <translation>Введите ваше имя.</translation>
        </message>
        <message>
            <source>There is no call number {id}.</source>
            <translation>Звонка № {id} нет.</translation>
        </message>
        <message>
            <source>Who recommended us? Enter the name.</source>
            <translation>Кто нас порекомендовал? Введите имя.</translation>
        </message>
        <message>
            <source>A withheld number cannot be saved.</source>
            <translation>Скрытый номер нельзя сохранить.</translation>
        </message>
        <message>
            <source>Unknown direction {value!r}: use in or out.</source>
            <extracomment>a status's rank in SQL: ``CASE status WHEN 'person' THEN 0 WHEN 'prospect' THEN 1 WHEN 'client' THEN 2 ELSE -1 END`` (a value that is none of them ranks below them all) PostgreSQL advisory locks ``(UID_LOCK, hashtext(uid))``: logs of the same uid take turns</extracomment>
            <translation>Неизвестное направление {value!r}: укажите in или out.</translation>
        </message>
        <message>
            <source>Unknown outcome {value!r}: use one of {known}.</source>
            <translation>Неизвестный результат {value!r}: укажите один из вариантов: {known}.</translation>
        </message>
        <message>
            <source>Unknown kind {value!r}: use one of {known}.</source>
            <translation>Неизвестный вид звонка {value!r}: укажите один из вариантов: {known}.</translation>
        </message>
        <message>
            <source>The kind {kind} does not fit this direction.</source>
            <translation>Вид звонка {kind} не подходит для этого направления.</translation>
        </message>
    </context>
    <context>
        <name>dial</name>
        <message>
            <source>There is no number to dial.</source>
            <translation>Нет номера для набора.</translation>
        </message>
        <message>
            <source>“{number}” is not a phone number: only digits and + * # , can be dialled.</source>
            <translation>«{number}» — не телефонный номер: набрать можно только цифры и + * # ,.</translation>
        </message>
        <message>
            <source>The softphone command in Settings cannot be read: check its quotes.</source>
            <translation>Команду софтфона в настройках не удаётся разобрать: проверьте кавычки.</translation>
        </message>
        <message>
            <source>Unknown softphone setting “{mode}”.</source>
            <translation>Неизвестная настройка софтфона «{mode}».</translation>
        </message>
        <message>
            <source>The softphone command in Settings is empty: type the command that dials.</source>
            <translation>Команда софтфона в настройках пуста: введите команду, которая набирает номер.</translation>
        </message>
        <message>
            <source>{name} was not found on this computer: choose its program file in Settings.</source>
            <translation>{name} не найден на этом компьютере: укажите файл программы в настройках.</translation>
        </message>
        <message>
            <source>The softphone could not be started ({program}): {why}.</source>
            <translation>Не удалось запустить софтфон ({program}): {why}.</translation>
        </message>
    </context>
    <context>
        <name>export</name>
        <message>
            <source>Cannot write {path}: {why}.</source>
            <translation>Не удаётся записать {path}: {why}.</translation>
        </message>
    </context>
    <context>
        <name>http_hook</name>
        <message>
            <source>The softphone link has no valid token: generate a new link in the settings.</source>
            <translation>В ссылке для софтфона нет действующего ключа: создайте новую ссылку в настройках.</translation>
        </message>
        <message>
            <source>Port {port} is not valid: choose a number from 1024 to 65535.</source>
            <translation>Порт {port} недопустим: выберите число от 1024 до 65535.</translation>
        </message>
        <message>
            <source>Port {port} is already used by another program: choose another port in the settings.</source>
            <translation>Порт {port} уже занят другой программой: выберите другой порт в настройках.</translation>
        </message>
        <message>
            <source>Port {port} is not allowed for this user: choose a port from 1024 to 65535.</source>
            <translation>Порт {port} недоступен этому пользователю: выберите порт от 1024 до 65535.</translation>
        </message>
        <message>
            <source>Cannot listen on 127.0.0.1:{port}: {reason}</source>
            <translation>Не удаётся открыть 127.0.0.1:{port}: {reason}</translation>
        </message>
    </context>
    <context>
        <name>import</name>
        <message>
            <source>line {line}: {text}</source>
            <extracomment>how they found us (method.Source value)</extracomment>
            <translation>строка {line}: {text}</translation>
        </message>
        <message>
            <source>{created} created, {updated} updated, {unchanged} unchanged, {skipped} skipped.</source>
            <translation>Создано: {created}, обновлено: {updated}, без изменений: {unchanged}, пропущено: {skipped}.</translation>
        </message>
        <message>
            <source>--map takes FIELD=COLUMN pairs, got {part!r}.</source>
            <translation>--map принимает пары ПОЛЕ=СТОЛБЕЦ, а получено {part!r}.</translation>
        </message>
        <message>
            <source>--map: unknown field {key!r} (known: {known}).</source>
            <extracomment>Russian words are inflected: "Номер телефона", "Номер мобильного", "Сотовый" "number" alone says little ("Order Number", "Number of Employees", "Улица, номер дома", Outlook's "Личный номер" is an ID): a phone column only with none but these words beside it inside any word: "Номер факса", "Telefax", "Номер пейджера" (Bitrix24) are not for calling</extracomment>
            <translation>--map: неизвестное поле {key!r} (известные: {known}).</translation>
        </message>
        <message>
            <source>Google Contacts (CSV)</source>
            <extracomment>what ``--format`` takes: a contacts table (CSV), an Excel workbook, vCards, a call history rows a preview shows progress(phase, done, total): phase "reading" (numbers parsed) then "saving" "contacts" or "calls" "csv", "xlsx" or "vcard" "google", "outlook", "csv", "xlsx", "vcard" or "calls": whose export it looks like the first rows: (line, cells) of a table; for vCards, empty (see ``cards``) field → columns, as guessed from the header row (tables only) data rows (or cards) in the file, about (see ``exact``) whether ``total`` was counted (a short file, vCards) rather than estimated</extracomment>
            <translation>Контакты Google (CSV)</translation>
        </message>
        <message>
            <source>Outlook contacts (CSV)</source>
            <translation>Контакты Outlook (CSV)</translation>
        </message>
        <message>
            <source>Contacts table (CSV)</source>
            <translation>Таблица контактов (CSV)</translation>
        </message>
        <message>
            <source>Contacts table (Excel)</source>
            <translation>Таблица контактов (Excel)</translation>
        </message>
        <message>
            <source>vCard contacts</source>
            <translation>Контакты vCard</translation>
        </message>
        <message>
            <source>Call history ({container})</source>
            <translation>История звонков ({container})</translation>
        </message>
        <message>
            <source>{file} has a header row and nothing under it.</source>
            <translation>В файле {file} есть строка заголовков, а под ней ничего нет.</translation>
        </message>
        <message>
            <source>{file} holds vCards, not a call history.</source>
            <translation>В файле {file} карточки vCard, а не история звонков.</translation>
        </message>
        <message>
            <source>Unknown fields for this file: {fields}.</source>
            <translation>Неизвестные поля для этого файла: {fields}.</translation>
        </message>
        <message>
            <source>{file} looks like a call history but has no {fields} column (columns: {columns}); name them with --map FIELD=COLUMN.</source>
            <translation>{file} похож на историю звонков, но в нём нет столбца {fields} (столбцы: {columns}); укажите их через --map ПОЛЕ=СТОЛБЕЦ.</translation>
        </message>
        <message>
            <source>The {field} column is not in {file}.</source>
            <translation>В файле {file} нет столбца для поля {field}.</translation>
        </message>
        <message>
            <source>Unknown format {fmt!r} (known: {known}).</source>
            <translation>Неизвестный формат {fmt!r} (известные: {known}).</translation>
        </message>
        <message>
            <source>{file} is an old Excel file (.xls): save it as .xlsx or CSV in Excel and import that.</source>
            <translation>{file} — файл старого Excel (.xls): сохраните его в Excel как .xlsx или CSV и импортируйте новый файл.</translation>
        </message>
        <message>
            <source>{file} is not an Excel workbook (.xlsx) or it is damaged.</source>
            <translation>{file} — не книга Excel (.xlsx) или она повреждена.</translation>
        </message>
        <message>
            <source>not a usable number: {raw!r}</source>
            <extracomment>the contact columns an import reads and writes, in this order a row and (key, valid, what the file said) for each of its usable numbers, without repeats</extracomment>
            <translation>непригодный номер: {raw!r}</translation>
        </message>
        <message>
            <source>no phone number; skipped</source>
            <extracomment>the file said the outcome (else it was guessed from the duration, and never replaces an outcome already logged for this call)</extracomment>
            <translation>нет номера телефона; пропущено</translation>
        </message>
        <message>
            <source>skipped: no usable number</source>
            <translation>пропущено: нет пригодного номера</translation>
        </message>
        <message>
            <source>{number} already belongs to «{owner}»; updated that contact (the file says «{name}»)</source>
            <extracomment>contacts earlier rows of this import created or went to</extracomment>
            <translation>{number} уже принадлежит контакту «{owner}»; обновлён этот контакт (в файле — «{name}»)</translation>
        </message>
        <message>
            <source>unknown status {value!r} ignored</source>
            <translation>неизвестный статус {value!r} проигнорирован</translation>
        </message>
        <message>
            <source>unknown familiarity {value!r} ignored</source>
            <translation>неизвестная степень знакомства {value!r} проигнорирована</translation>
        </message>
        <message>
            <source>unknown source {value!r} ignored</source>
            <translation>неизвестный источник {value!r} проигнорирован</translation>
        </message>
        <message>
            <source>{file}: damaged UTF-16 text.</source>
            <translation>{file}: повреждённый текст в UTF-16.</translation>
        </message>
        <message>
            <source>{file} is empty.</source>
            <translation>Файл {file} пуст.</translation>
        </message>
        <message>
            <source>{file} is not a CSV file (it looks binary).</source>
            <translation>{file} — не CSV-файл (похоже, двоичный).</translation>
        </message>
        <message>
            <source>{file}: unknown text encoding (save it as UTF-8).</source>
            <translation>{file}: неизвестная кодировка текста (сохраните файл в UTF-8).</translation>
        </message>
        <message>
            <source>Name</source>
            <extracomment>fields of a contacts file, in the order the mapping step offers them fields of a call-history file fields that take every column mapped to them</extracomment>
            <translation>ФИО</translation>
        </message>
        <message>
            <source>First name</source>
            <translation>Имя</translation>
        </message>
        <message>
            <source>Middle name</source>
            <translation>Отчество</translation>
        </message>
        <message>
            <source>Last name</source>
            <translation>Фамилия</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>Телефон</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Компания</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>Эл. почта</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>Заметки</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Статус</translation>
        </message>
        <message>
            <source>Referred by</source>
            <translation>По рекомендации</translation>
        </message>
        <message>
            <source>Familiarity</source>
            <translation>Знакомство</translation>
        </message>
        <message>
            <source>Do not call</source>
            <translation>Не звонить</translation>
        </message>
        <message>
            <source>Source</source>
            <translation>Откуда узнали</translation>
        </message>
        <message>
            <source>Date and time</source>
            <translation>Дата и время</translation>
        </message>
        <message>
            <source>Date</source>
            <translation>Дата</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>Время</translation>
        </message>
        <message>
            <source>Number</source>
            <translation>Номер</translation>
        </message>
        <message>
            <source>Direction</source>
            <translation>Направление</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>Результат</translation>
        </message>
        <message>
            <source>Rep</source>
            <translation>Менеджер</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>Заметка</translation>
        </message>
        <message>
            <source>Duration</source>
            <translation>Длительность</translation>
        </message>
        <message>
            <source>Kind of call</source>
            <translation>Тип звонка</translation>
        </message>
        <message>
            <source>Temperature</source>
            <translation>Температура</translation>
        </message>
        <message>
            <source>--map: there is no column {column!r} (columns: {columns}).</source>
            <translation>--map: нет столбца {column!r} (столбцы: {columns}).</translation>
        </message>
        <message>
            <source>{file} is too large to import.</source>
            <extracomment>a cell longer than this is cut: nothing a rep types is that long, a broken file is (line, cells) for every row with something in it how many data rows there are, or about (for progress)</extracomment>
            <translation>Файл {file} слишком большой для импорта.</translation>
        </message>
        <message>
            <source>There is no file {file}.</source>
            <translation>Файл {file} не найден.</translation>
        </message>
        <message>
            <source>{file} is a folder, not a file.</source>
            <translation>{file} — папка, а не файл.</translation>
        </message>
        <message>
            <source>Cannot read {file}: {why}.</source>
            <translation>Не удаётся прочитать {file}: {why}.</translation>
        </message>
        <message>
            <source>{file} has no header row.</source>
            <translation>В файле {file} нет строки заголовков.</translation>
        </message>
        <message>
            <source>Excel files need openpyxl installed.</source>
            <translation>Для файлов Excel нужен установленный openpyxl.</translation>
        </message>
        <message>
            <source>{file} has no sheets.</source>
            <translation>В файле {file} нет листов.</translation>
        </message>
        <message>
            <source>{file} is damaged after row {line}.</source>
            <translation>Файл {file} повреждён после строки {line}.</translation>
        </message>
        <message>
            <source>{file} has no phone column (columns: {columns}); name it with --map phone=COLUMN.</source>
            <translation>В файле {file} нет столбца с телефоном (столбцы: {columns}); укажите его: --map phone=СТОЛБЕЦ.</translation>
        </message>
        <message>
            <source>{file}, line {line}: broken CSV ({why}).</source>
            <translation>{file}, строка {line}: ошибка в CSV ({why}).</translation>
        </message>
        <message>
            <source>not a date and time: {value!r}; skipped</source>
            <translation>не дата и время: {value!r}; пропущено</translation>
        </message>
        <message>
            <source>no date; skipped</source>
            <translation>нет даты; пропущено</translation>
        </message>
        <message>
            <source>unknown direction {value!r}; skipped</source>
            <translation>неизвестное направление {value!r}; пропущено</translation>
        </message>
        <message>
            <source>no direction (incoming or outgoing); skipped</source>
            <translation>не указано направление (входящий или исходящий); пропущено</translation>
        </message>
        <message>
            <source>not a duration: {value!r}; ignored</source>
            <translation>не длительность: {value!r}; не учтено</translation>
        </message>
        <message>
            <source>unknown outcome {value!r}; counted as {outcome}</source>
            <translation>неизвестный результат {value!r}; считается как {outcome}</translation>
        </message>
        <message>
            <source>the file says «{name}»; counted as a call with «{owner}»</source>
            <extracomment>a contact as a call history import keeps it: [id, name, status, familiarity, known_by, referred_by] whose calls these are where the file does not say number → [its phone id, its owners] contact id (or minus the phone id for a number without one) → what calls so far proved</extracomment>
            <translation>в файле «{name}»; засчитано как звонок с «{owner}»</translation>
        </message>
        <message>
            <source>{file} is not a vCard file (there is no BEGIN:VCARD in it).</source>
            <extracomment>the properties a row is made of; all others are skipped unread what Call Companion writes beyond a plain card (so an export imports back to the same data) → the Row field it is read into TEL types that are no use to a salesperson's phone bytes that were not UTF-8, kept by the ``surrogateescape`` error handler "BEGIN" in UTF-16 without a byte order mark, little- and big-endian a vCard 3.0 line is at most this many octets before its CRLF (RFC 2425 §5.8.1)</extracomment>
            <translation>{file} — не файл vCard (в нём нет BEGIN:VCARD).</translation>
        </message>
        <message>
            <source>{file} is not a vCard file (it looks binary).</source>
            <translation>{file} — не файл vCard (похоже, это двоичный файл).</translation>
        </message>
        <message>
            <source>the last card is not finished (no END:VCARD); kept as it is</source>
            <translation>последняя карточка не закончена (нет END:VCARD); взята как есть</translation>
        </message>
        <message>
            <source>the last card is not finished (no END:VCARD) and has no number; skipped</source>
            <translation>последняя карточка не закончена (нет END:VCARD) и в ней нет номера; пропущена</translation>
        </message>
        <message>
            <source>this card has no END:VCARD before the next one; kept as it is</source>
            <translation>у этой карточки нет END:VCARD перед следующей; взята как есть</translation>
        </message>
        <message>
            <source>this card has no END:VCARD before the next one and has no number; skipped</source>
            <translation>у этой карточки нет END:VCARD перед следующей и нет номера; пропущена</translation>
        </message>
        <message>
            <source>{field}: damaged quoted-printable text; read as far as it goes</source>
            <translation>{field}: повреждённый текст quoted-printable; прочитано, сколько удалось</translation>
        </message>
        <message>
            <source>{field}: damaged base64 text; skipped</source>
            <translation>{field}: повреждённый текст base64; пропущено</translation>
        </message>
        <message>
            <source>{field}: some characters could not be read</source>
            <translation>{field}: некоторые символы не удалось прочитать</translation>
        </message>
    </context>
    <context>
        <name>merge</name>
        <message>
            <source>Nothing was copied into {target} ({why}).</source>
            <extracomment>the order rows are copied in: every reference points to a table copied before it rows per IN (...) query on the target how often the progress callback hears of it (rows) the PostgreSQL advisory lock ("CCmp" "copy") a copy holds for its transaction: two reps migrating into one team database at the same moment take turns, each seeing the other's rows new rows in the target the same row was in the target already the same as another source row copied just before (two records of one person, …) of the matched: rows of the target whose empty fields were filled in</extracomment>
            <translation>В {target} ничего не скопировано ({why}).</translation>
        </message>
        <message>
            <source>{db} is a folder, not a database file.</source>
            <translation>{db} — папка, а не файл базы.</translation>
        </message>
        <message>
            <source>{db}: there is no database to copy yet.</source>
            <translation>{db}: копировать пока нечего — базы ещё нет.</translation>
        </message>
        <message>
            <source>cannot read {db}: {why}.</source>
            <translation>Не удаётся прочитать {db}: {why}.</translation>
        </message>
        <message>
            <source>{db} is not a Call Companion database.</source>
            <translation>{db} — не база Call Companion.</translation>
        </message>
        <message>
            <source>{db} was written by a newer Call Companion (schema {version}, this version knows {known}); update the app to copy it.</source>
            <translation>База {db} записана более новой версией Call Companion (схема {version}, эта версия знает {known}); обновите приложение, чтобы её скопировать.</translation>
        </message>
        <message>
            <source>{db} has an older schema ({version}); open it once with this version, then copy it.</source>
            <translation>У базы {db} старая схема ({version}): откройте её один раз в этой версии, затем скопируйте.</translation>
        </message>
        <message>
            <source>{db} cannot be read ({why}).</source>
            <translation>Не удаётся прочитать {db} ({why}).</translation>
        </message>
        <message>
            <source>{target} is the database being copied; name another one.</source>
            <translation>{target} — это и есть копируемая база; укажите другую.</translation>
        </message>
    </context>
    <context>
        <name>method</name>
        <message>
            <source>Incoming · first-time caller</source>
            <translation>Входящий · впервые позвонивший</translation>
        </message>
        <message>
            <source>Incoming · returning</source>
            <translation>Входящий · возвратившийся</translation>
        </message>
        <message>
            <source>Incoming · referral</source>
            <translation>Входящий · по рекомендации</translation>
        </message>
        <message>
            <source>Incoming · repeat (our client)</source>
            <translation>Входящий · повторный (наш клиент)</translation>
        </message>
        <message>
            <source>Outgoing · hot</source>
            <translation>Исходящий · горячий</translation>
        </message>
        <message>
            <source>Outgoing · warm</source>
            <translation>Исходящий · тёплый</translation>
        </message>
        <message>
            <source>Outgoing · cold</source>
            <translation>Исходящий · холодный</translation>
        </message>
        <message>
            <source>Callback expected</source>
            <translation>Ждут нашего звонка</translation>
        </message>
        <message>
            <source>They have a need but don't know us yet: earn their trust before you offer anything.</source>
            <translation>Человеку что-то нужно, но нас он пока не знает: сначала заслужите доверие, потом предлагайте.</translation>
        </message>
        <message>
            <source>They came to us before and didn't buy: they know the company — find out what held them back.</source>
            <translation>Уже обращался к нам, но не купил; компанию знает — выясните, что его остановило.</translation>
        </message>
        <message>
            <source>Someone they trust sent them to us: name the referrer and live up to the recommendation.</source>
            <translation>Нас посоветовал знакомый, которому он доверяет: сошлитесь на него и оправдайте рекомендацию.</translation>
        </message>
        <message>
            <source>Our client is back: they know what we deliver — thank them and make the next step easy.</source>
            <translation>Вернулся наш клиент, он знает нас в деле: поблагодарите и упростите следующий шаг.</translation>
        </message>
        <message>
            <source>They know you personally and will take the call: be warm, and bring a reason worth their time.</source>
            <translation>Вас знают лично и охотно ответят: говорите тепло, но звоните с весомым поводом.</translation>
        </message>
        <message>
            <source>They know the company, not you, and don't expect you: introduce yourself and recall the earlier contact.</source>
            <translation>Компанию знают, а вас — нет, и звонка не ждут: представьтесь и напомните о прошлом общении.</translation>
        </message>
        <message>
            <source>They don't know us and aren't waiting for this call: in one sentence, give them a reason to listen.</source>
            <translation>Нас не знают и звонка не ждут: первой же фразой дайте повод вас выслушать.</translation>
        </message>
        <message>
            <source>They are waiting for this call, perhaps annoyed by the wait: apologise if late, bring what was promised.</source>
            <translation>Вашего звонка ждут, возможно, уже с досадой: извинитесь, если задержались, и дайте обещанное.</translation>
        </message>
        <message>
            <source>hot</source>
            <translation>горячий</translation>
        </message>
        <message>
            <source>warm</source>
            <translation>тёплый</translation>
        </message>
        <message>
            <source>cold</source>
            <translation>холодный</translation>
        </message>
        <message>
            <source>person</source>
            <translation>человек</translation>
        </message>
        <message>
            <source>prospect</source>
            <translation>потенциальный клиент</translation>
        </message>
        <message>
            <source>client</source>
            <translation>клиент</translation>
        </message>
        <message>
            <source>No answer</source>
            <translation>Нет ответа</translation>
        </message>
        <message>
            <source>Wrong number</source>
            <translation>Не тот номер</translation>
        </message>
        <message>
            <source>Not interested</source>
            <translation>Не интересно</translation>
        </message>
        <message>
            <source>Talked</source>
            <translation>Поговорили</translation>
        </message>
        <message>
            <source>Interested</source>
            <translation>Интересно</translation>
        </message>
        <message>
            <source>Call back</source>
            <translation>Перезвонить</translation>
        </message>
        <message>
            <source>Deal</source>
            <translation>Сделка</translation>
        </message>
        <message>
            <source>Our advertising</source>
            <translation>Наша реклама</translation>
        </message>
        <message>
            <source>A recommendation</source>
            <translation>Рекомендация</translation>
        </message>
        <message>
            <source>Worked with us before</source>
            <translation>Уже работали с нами</translation>
        </message>
    </context>
    <context>
        <name>offline</name>
        <message>
            <source>It was sent to the team database already: undo it there, from History.</source>
            <extracomment>what an open connection that broke says (as opposed to a new one that could not be made) True since the last attempt found the server gone, until one reaches it again opens the database again (its migrations) when it was not reachable at the start</extracomment>
            <translation>Запись уже отправлена в командную базу: отмените её там, на вкладке «История».</translation>
        </message>
        <message>
            <source>Offline: the team database cannot be reached. This is what this computer knew on {when}.</source>
            <translation>Нет связи: командная база недоступна. Показано то, что этот компьютер знал на {when}.</translation>
        </message>
        <message>
            <source>Offline: the team database cannot be reached, and this computer has not seen this number before. Ask who is calling.</source>
            <translation>Нет связи: командная база недоступна, а на этом компьютере этот номер раньше не встречался. Спросите, кто звонит.</translation>
        </message>
    </context>
    <context>
        <name>probe</name>
        <message>
            <source>This is not a postgresql:// address. Copy the whole address your admin sent (it starts with postgresql://), or fill in the fields.</source>
            <translation>Это не адрес postgresql://. Скопируйте целиком адрес, который прислал администратор (он начинается с postgresql://), или заполните поля.</translation>
        </message>
        <message>
            <source>The port in this address is not a number from 1 to 65535.</source>
            <translation>Порт в этом адресе — не число от 1 до 65535.</translation>
        </message>
        <message>
            <source>The address names no server.</source>
            <translation>В адресе не указан сервер.</translation>
        </message>
        <message>
            <source>The address names no database.</source>
            <translation>В адресе не указана база данных.</translation>
        </message>
        <message>
            <source>This copy of Call Companion cannot reach PostgreSQL (its driver is missing).</source>
            <translation>Эта копия Call Companion не может подключаться к PostgreSQL (не установлен драйвер).</translation>
        </message>
        <message>
            <source>Connected, but the database could not be read: {why}</source>
            <translation>Подключение установлено, но прочитать базу данных не удалось: {why}</translation>
        </message>
        <message>
            <source>Could not connect: {why}</source>
            <translation>Не удалось подключиться: {why}</translation>
        </message>
        <message>
            <source>The address has an option the database driver does not know: {why}</source>
            <translation>В адресе есть параметр, неизвестный драйверу базы данных: {why}</translation>
        </message>
        <message>
            <source>The server did not answer within {seconds} s: check the address and that you are on the office network or VPN.</source>
            <translation>Сервер не ответил за {seconds} с: проверьте адрес и подключены ли вы к офисной сети или VPN.</translation>
        </message>
        <message>
            <source>No server called {server} was found: check its name and that you are on the office network or VPN.</source>
            <translation>Сервер {server} не найден: проверьте его имя и подключены ли вы к офисной сети или VPN.</translation>
        </message>
        <message>
            <source>Nothing answers at {server}, port {port}: check the server and the port, and that the database server is running.</source>
            <translation>{server}, порт {port}, не отвечает: проверьте сервер и порт, а также запущен ли сервер базы данных.</translation>
        </message>
        <message>
            <source>{server} cannot be reached from here: check that you are on the office network or VPN.</source>
            <translation>Сервер {server} отсюда недоступен: проверьте, подключены ли вы к офисной сети или VPN.</translation>
        </message>
        <message>
            <source>Wrong user name or password.</source>
            <translation>Неверное имя пользователя или пароль.</translation>
        </message>
        <message>
            <source>The server asks for a password: enter the one your admin gave you.</source>
            <translation>Сервер требует пароль: введите тот, что дал вам администратор.</translation>
        </message>
        <message>
            <source>There is no database named “{name}” on that server: check the name with your admin.</source>
            <translation>На этом сервере нет базы данных «{name}»: уточните имя у администратора.</translation>
        </message>
        <message>
            <source>The server does not let this computer in: ask your admin to allow it.</source>
            <translation>Сервер не пускает этот компьютер: попросите администратора разрешить доступ.</translation>
        </message>
        <message>
            <source>The user {user} may not open the database “{name}”: ask your admin for access.</source>
            <translation>У пользователя {user} нет права открывать базу данных «{name}»: попросите доступ у администратора.</translation>
        </message>
        <message>
            <source>The server is full right now: try again in a minute, or tell your admin.</source>
            <translation>Сервер сейчас перегружен подключениями: попробуйте через минуту или сообщите администратору.</translation>
        </message>
        <message>
            <source>Something answers at {server}, port {port}, but it is not a database server: check the port.</source>
            <translation>{server}, порт {port}, отвечает, но это не сервер базы данных: проверьте порт.</translation>
        </message>
        <message>
            <source>{server} closed the connection at once: check the port, or ask your admin.</source>
            <translation>Сервер {server} сразу закрыл подключение: проверьте порт или обратитесь к администратору.</translation>
        </message>
        <message>
            <source>Connected. The database is empty, but the user {user} may not create tables in it: ask your admin to allow it.</source>
            <translation>Подключение установлено. База данных пуста, но у пользователя {user} нет права создавать в ней таблицы: попросите администратора это разрешить.</translation>
        </message>
        <message>
            <source>Connected. The database “{name}” is empty: Call Companion sets it up the first time it opens it.</source>
            <translation>Подключение установлено. База данных «{name}» пуста: Call Companion подготовит её, когда откроет впервые.</translation>
        </message>
        <message>
            <source>This database holds another program's tables ({tables}). Call Companion does not mix its own in: ask your admin for an empty database.</source>
            <translation>В этой базе данных таблицы другой программы ({tables}). Call Companion не смешивает с ними свои: попросите у администратора пустую базу данных.</translation>
        </message>
        <message>
            <source>Connected, but the user {user} may not read this database: ask your admin for access.</source>
            <translation>Подключение установлено, но у пользователя {user} нет права читать эту базу данных: попросите доступ у администратора.</translation>
        </message>
        <message>
            <source>This team database was set up by a newer Call Companion (schema {version}; this one knows {known}): update Call Companion first.</source>
            <translation>Эта командная база создана более новой версией Call Companion (схема {version}, эта версия знает {known}): сначала обновите Call Companion.</translation>
        </message>
        <message>
            <source>This database has some of Call Companion's tables but not all ({tables} missing): ask your admin to check it.</source>
            <translation>В этой базе данных есть только часть таблиц Call Companion (нет: {tables}): попросите администратора её проверить.</translation>
        </message>
        <message>
            <source>Connected, but the user {user} may not save calls in this database: ask your admin for the right to write.</source>
            <translation>Подключение установлено, но у пользователя {user} нет права сохранять звонки в этой базе данных: попросите у администратора право на запись.</translation>
        </message>
        <message>
            <source>Connected. This is a Call Companion team database (schema {version}).</source>
            <translation>Подключение установлено. Это командная база Call Companion (схема {version}).</translation>
        </message>
        <message>
            <source>This Call Companion will upgrade it to schema {known}: colleagues on an older version will need to update.</source>
            <translation>Эта версия Call Companion обновит её до схемы {known}: коллегам со старой версией нужно будет обновиться.</translation>
        </message>
    </context>
    <context>
        <name>regions</name>
        <message>
            <source>Ascension Island</source>
            <extracomment>countries phonenumbers' tables name in English only (or not at all): their names for a translation, used where the tables have none in the window's language</extracomment>
            <translation>Остров Вознесения</translation>
        </message>
        <message>
            <source>Antigua and Barbuda</source>
            <translation>Антигуа и Барбуда</translation>
        </message>
        <message>
            <source>American Samoa</source>
            <translation>Американское Самоа</translation>
        </message>
        <message>
            <source>Åland Islands</source>
            <translation>Аландские острова</translation>
        </message>
        <message>
            <source>Saint Barthélemy</source>
            <translation>Сен-Бартелеми</translation>
        </message>
        <message>
            <source>Bonaire, Sint Eustatius and Saba</source>
            <translation>Бонэйр, Синт-Эстатиус и Саба</translation>
        </message>
        <message>
            <source>Cocos (Keeling) Islands</source>
            <translation>Кокосовые (Килинг) острова</translation>
        </message>
        <message>
            <source>Democratic Republic of the Congo</source>
            <translation>Демократическая Республика Конго</translation>
        </message>
        <message>
            <source>Cook Islands</source>
            <translation>Острова Кука</translation>
        </message>
        <message>
            <source>Curaçao</source>
            <translation>Кюрасао</translation>
        </message>
        <message>
            <source>Christmas Island</source>
            <translation>Остров Рождества</translation>
        </message>
        <message>
            <source>Falkland Islands</source>
            <translation>Фолклендские острова</translation>
        </message>
        <message>
            <source>Faroe Islands</source>
            <translation>Фарерские острова</translation>
        </message>
        <message>
            <source>Grenada</source>
            <translation>Гренада</translation>
        </message>
        <message>
            <source>Guernsey</source>
            <translation>Гернси</translation>
        </message>
        <message>
            <source>Gibraltar</source>
            <translation>Гибралтар</translation>
        </message>
        <message>
            <source>Greenland</source>
            <translation>Гренландия</translation>
        </message>
        <message>
            <source>Guam</source>
            <translation>Гуам</translation>
        </message>
        <message>
            <source>Isle of Man</source>
            <translation>Остров Мэн</translation>
        </message>
        <message>
            <source>British Indian Ocean Territory</source>
            <translation>Британская территория в Индийском океане</translation>
        </message>
        <message>
            <source>Jersey</source>
            <translation>Джерси</translation>
        </message>
        <message>
            <source>Saint Kitts and Nevis</source>
            <translation>Сент-Китс и Невис</translation>
        </message>
        <message>
            <source>Cayman Islands</source>
            <translation>Каймановы острова</translation>
        </message>
        <message>
            <source>Saint Lucia</source>
            <translation>Сент-Люсия</translation>
        </message>
        <message>
            <source>Montenegro</source>
            <translation>Черногория</translation>
        </message>
        <message>
            <source>Saint Martin</source>
            <translation>Сен-Мартен</translation>
        </message>
        <message>
            <source>Marshall Islands</source>
            <translation>Маршалловы Острова</translation>
        </message>
        <message>
            <source>Macao</source>
            <translation>Макао</translation>
        </message>
        <message>
            <source>Northern Mariana Islands</source>
            <translation>Северные Марианские острова</translation>
        </message>
        <message>
            <source>Maldives</source>
            <translation>Мальдивы</translation>
        </message>
        <message>
            <source>Malawi</source>
            <translation>Малави</translation>
        </message>
        <message>
            <source>Norfolk Island</source>
            <translation>Остров Норфолк</translation>
        </message>
        <message>
            <source>Nauru</source>
            <translation>Науру</translation>
        </message>
        <message>
            <source>Saint Pierre and Miquelon</source>
            <translation>Сен-Пьер и Микелон</translation>
        </message>
        <message>
            <source>Palestine</source>
            <translation>Палестина</translation>
        </message>
        <message>
            <source>Palau</source>
            <translation>Палау</translation>
        </message>
        <message>
            <source>Réunion</source>
            <translation>Реюньон</translation>
        </message>
        <message>
            <source>Serbia</source>
            <translation>Сербия</translation>
        </message>
        <message>
            <source>Solomon Islands</source>
            <translation>Соломоновы Острова</translation>
        </message>
        <message>
            <source>Saint Helena</source>
            <translation>Остров Святой Елены</translation>
        </message>
        <message>
            <source>Svalbard and Jan Mayen</source>
            <translation>Шпицберген и Ян-Майен</translation>
        </message>
        <message>
            <source>San Marino</source>
            <translation>Сан-Марино</translation>
        </message>
        <message>
            <source>South Sudan</source>
            <translation>Южный Судан</translation>
        </message>
        <message>
            <source>São Tomé and Príncipe</source>
            <translation>Сан-Томе и Принсипи</translation>
        </message>
        <message>
            <source>Sint Maarten</source>
            <translation>Синт-Мартен</translation>
        </message>
        <message>
            <source>Tristan da Cunha</source>
            <translation>Тристан-да-Кунья</translation>
        </message>
        <message>
            <source>Turks and Caicos Islands</source>
            <translation>Теркс и Кайкос</translation>
        </message>
        <message>
            <source>Timor-Leste</source>
            <translation>Восточный Тимор</translation>
        </message>
        <message>
            <source>Tuvalu</source>
            <translation>Тувалу</translation>
        </message>
        <message>
            <source>Saint Vincent and the Grenadines</source>
            <translation>Сент-Винсент и Гренадины</translation>
        </message>
        <message>
            <source>Wallis and Futuna</source>
            <translation>Уоллис и Футуна</translation>
        </message>
        <message>
            <source>Samoa</source>
            <translation>Самоа</translation>
        </message>
        <message>
            <source>Kosovo</source>
            <translation>Косово</translation>
        </message>
    </context>
    <context>
        <name>softphones</name>
        <message>
            <source>MicroSIP passes every argument after the program unquoted, so '{argument}' would not arrive whole. Use an install whose command has no spaces after the program.</source>
            <extracomment>MicroSIP reads each value into a 256-character buffer (with its terminating NUL) where Linphone's substituted caller starts and how user name and display name are told apart what the Linphone hook runs: ``companion incoming --from-linphone`` reads the caller from its parent shell with :func:`linphone_caller_from_parent` Jitsi's placeholders for an incoming call (the only event it fills them for) placeholders of softphones that open a URL, as their own manuals name them</extracomment>
            <translation>MicroSIP передаёт аргументы после программы без кавычек, поэтому «{argument}» не дойдёт целиком. Нужна установка, в команде которой после программы нет пробелов.</translation>
        </message>
        <message>
            <source>The command for this install is {length} characters long and MicroSIP reads at most {limit}. Install Call Companion in a folder with a shorter path.</source>
            <translation>Команда для этой установки длиной {length} символов, а MicroSIP читает не больше {limit}. Установите Call Companion в папку с более коротким путём.</translation>
        </message>
        <message>
            <source>Could not read MicroSIP's settings file {path}: {error}</source>
            <translation>Не удалось прочитать файл настроек MicroSIP {path}: {error}</translation>
        </message>
        <message>
            <source>Quit MicroSIP first (right-click its tray icon, then Exit): it saves its settings when it quits and would undo these changes. Then try again.</source>
            <translation>Сначала закройте MicroSIP (правый щелчок по значку в трее, затем «Выход»): при выходе он сохраняет свои настройки и отменил бы эти изменения. Затем попробуйте снова.</translation>
        </message>
        <message>
            <source>MicroSIP's settings file was not found at {path}. Start MicroSIP once, quit it, then try again.</source>
            <translation>Файл настроек MicroSIP не найден: {path}. Запустите MicroSIP один раз, закройте его и попробуйте снова.</translation>
        </message>
        <message>
            <source>Could not write MicroSIP's settings file {path}: {error}</source>
            <translation>Не удалось записать файл настроек MicroSIP {path}: {error}</translation>
        </message>
        <message>
            <source>On Windows Linphone runs its command through cmd.exe with the caller's text pasted in, which cannot be made safe. Use MicroSIP, or Linphone on Linux or macOS.</source>
            <translation>В Windows Linphone запускает команду через cmd.exe, вставляя в неё текст звонящего, и это нельзя сделать безопасным. Используйте MicroSIP или Linphone в Linux или macOS.</translation>
        </message>
        <message>
            <source>The path of this install ({path}) cannot be used in Linphone's command.</source>
            <translation>Путь этой установки ({path}) нельзя использовать в команде Linphone.</translation>
        </message>
        <message>
            <source>Jitsi splits its command at every space, so it cannot start {path}. Install Call Companion in a folder without spaces, or use the local web address instead.</source>
            <translation>Jitsi делит команду по пробелам, поэтому не сможет запустить {path}. Установите Call Companion в папку без пробелов или используйте локальный веб-адрес.</translation>
        </message>
        <message>
            <source>Quit MicroSIP (right-click its tray icon, then Exit).</source>
            <translation>Закройте MicroSIP (правый щелчок по значку в трее, затем «Выход»).</translation>
        </message>
        <message>
            <source>Press Set up MicroSIP, or paste these lines under [Settings] in microsip.ini.</source>
            <translation>Нажмите «Настроить MicroSIP» или вставьте эти строки в раздел [Settings] файла microsip.ini.</translation>
        </message>
        <message>
            <source>Start MicroSIP again and make a test call.</source>
            <translation>Снова запустите MicroSIP и сделайте пробный звонок.</translation>
        </message>
        <message>
            <source>Quit Linphone.</source>
            <translation>Закройте Linphone.</translation>
        </message>
        <message>
            <source>Paste this line under [ui] in linphonerc as command_line=…</source>
            <translation>Вставьте эту строку в раздел [ui] файла linphonerc как command_line=…</translation>
        </message>
        <message>
            <source>Start Linphone again. It runs the command for incoming calls only; outgoing calls and the end of a call are not reported.</source>
            <translation>Снова запустите Linphone. Он запускает команду только для входящих звонков; об исходящих и о конце звонка он не сообщает.</translation>
        </message>
        <message>
            <source>In Jitsi open Options, then Events, then Incoming call.</source>
            <translation>В Jitsi откройте «Параметры», затем «События», затем «Входящий звонок».</translation>
        </message>
        <message>
            <source>Tick Execute program and paste this command.</source>
            <translation>Отметьте «Выполнить программу» и вставьте эту команду.</translation>
        </message>
        <message>
            <source>Turn on the local web address in this page (it is off by default).</source>
            <translation>Включите локальный веб-адрес на этой странице (по умолчанию он выключен).</translation>
        </message>
        <message>
            <source>In the softphone's setting for opening a web page on a call, paste the address with its own placeholder for the caller's number.</source>
            <translation>В настройке софтфона, которая открывает веб-страницу при звонке, вставьте этот адрес, подставив вместо NUMBER обозначение номера звонящего, принятое в вашем софтфоне.</translation>
        </message>
        <message>
            <source>In the softphone's setting for running a program on a call, paste the command and put its placeholder for the caller's number at the end.</source>
            <translation>В настройке софтфона, которая запускает программу при звонке, вставьте команду и поставьте в конце обозначение номера звонящего, принятое в вашем софтфоне.</translation>
        </message>
    </context>
    <context>
        <name>url_handlers</name>
        <message>
            <source>Windows has another app chosen for phone links, and only you can change that: in Settings, Default apps, open Call Companion and choose it for TEL, CALLTO and SIP.</source>
            <extracomment>``launch.URL_SCHEMES`` also reads ``sips:`` links (with their colons); these are the ones we claim what register() found and wrote in each scheme key: ``&lt;scheme&gt;`` (ours), ``&lt;scheme&gt;.previous`` the same identifier as the LaunchAgent's label (``autostart.LABEL``) macOS's own handler of ``tel:`` links, given them back on unregister</extracomment>
            <translation>Для ссылок на телефоны в Windows выбрано другое приложение, и изменить это можете только вы: в «Параметрах» откройте «Приложения по умолчанию», затем Call Companion, и выберите его для TEL, CALLTO и SIP.</translation>
        </message>
        <message>
            <source>Windows did not save the settings for phone links: {reason}</source>
            <translation>Windows не сохранила настройки ссылок на телефоны: {reason}</translation>
        </message>
        <message>
            <source>Could not save the settings for phone links in {path}: {reason}</source>
            <extracomment>characters that make the Desktop Entry spec's Exec rules ask for a quoted argument</extracomment>
            <translation>Не удалось сохранить настройки ссылок на телефоны в {path}: {reason}</translation>
        </message>
        <message>
            <source>macOS's Launch Services could not be reached: {reason}</source>
            <translation>Не удалось обратиться к службе Launch Services macOS: {reason}</translation>
        </message>
        <message>
            <source>On macOS phone links can open only the installed Call Companion app, not a copy started from Python. Install the app from its disk image and turn this on there.</source>
            <translation>В macOS ссылки на телефоны может открывать только установленное приложение Call Companion, а не копия, запущенная из Python. Установите приложение с его образа диска и включите это там.</translation>
        </message>
        <message>
            <source>macOS did not make Call Companion the app for {scheme}: links (error {code}).</source>
            <translation>macOS не назначила Call Companion приложением для ссылок {scheme}: (ошибка {code}).</translation>
        </message>
    </context>
</TS>