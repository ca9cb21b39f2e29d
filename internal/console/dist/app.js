var N,nt,ls,G,Ee,be,ot,$e,rt,Ne,Ie,cs,ne=Symbol.for("pv"),ye={},ke=[],ds=/^m(i|n|o|s|text|space)$/,Ae=Array.isArray,Le=ke.slice,Z=Object.assign;function X(e){e&&e.parentNode&&e.remove()}function it(e,t,s){var a,i,r,o={},l=arguments.length;for(r in t)r=="key"?a=t[r]:r=="ref"&&typeof e!="function"?i=t[r]:o[r]=t[r];return l>2&&(o.children=l>3?Le.call(arguments,2):s),ae(e,o,a,i,null)}function ae(e,t,s,a,i){var r={type:e,props:t,key:s,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:ne,__v:i||++nt,__i:-1,__u:0};return!i&&N.vnode&&N.vnode(r),r}function we(e){return e.children}function ve(e,t){this.props=e,this.context=t,this.__g=0}function K(e,t){if(t==null)return e.__&&K(e.__,e.__i+1);for(var s;t<e.__k.length;t++)if((s=e.__k[t])&&s.__e)return s.__e;return typeof e.type!="function"||e.props.__P?null:K(e)}function ps(e){var t,s=e.__v,a=s.__e,i=[],r=[],o=e.__P;o&&((t=Z({constructor:ne},s)).__v=s.__v+1,N.vnode&&N.vnode(t),Te(o,t,s,e.__n,o.namespaceURI,32&s.__u?[a]:null,i,a||K(s),32&s.__u,r),t.__v=s.__v,t.__.__k[t.__i]=t,mt(i,t,r),s.__=s.__e=null,t.__e!=a&&lt(t))}function lt(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),lt(e)}function st(e){(8&e.__g||(e.__g|=8,G.push(e),be++))&&Ee==N.debounceRendering||((Ee=N.debounceRendering)||queueMicrotask)(ct)}function ct(){try{for(var e,t=1;G.length;)G.length>t&&G.sort(ot),e=G.shift(),t=G.length,8&e.__g&&ps(e)}finally{(be=G.length)&&(Ee||queueMicrotask)(ct)}}function dt(e,t,s,a,i,r,o,l,p,h,c){var m,u,d,$,b,f,_=a.__k||ke,y=t.length;for(p=us(s,t,_,p,y),m=0;m<y;m++)(d=s.__k[m])!=null&&(u=~d.__i&&_[d.__i]||ye,d.__i=m,f=Te(e,d,u,i,r,o,l,p,h,c),$=d.__e,(u.ref!=d.ref||8&u.__u)&&(u.ref&&Pe(u.ref,null,d,u),d.ref&&c.push(d.ref,d.__c||$,d)),b=b||$,4&d.__u?(p=pt(d,p,e,!u.__v),u.__e&&(u.__e=null)):typeof d.type=="function"&&f!==void 0?p=f:$&&(p=$.nextSibling),d.__u&=-21);return s.__e=b,p}function us(e,t,s,a,i){var r,o,l,p,h,c,m,u,d,$=s.length,b=$,f=0,_=0,y=e.__k=Array(i);for(r=0;r<i;r++)(o=t[r])!=null&&typeof o!="boolean"&&typeof o!="function"?(typeof o!="object"||o.constructor===String?o=y[r]=ae(null,o):Ae(o)?o=y[r]=ae(we,{children:o}):o.constructor===ne&&o.__b?o=y[r]=ae(o.type,o.props,o.key,o.ref,o.__v):y[r]=o,p=r+f,o.__=e,o.__b=e.__b+1,l=null,~(h=o.__i=ms(o,s,p,b))&&(b--,(l=s[h])&&(l.__u|=2)),l&&l.__v?(o.__u|=16,h==p-1?f--:h==p+1?f++:h!=p&&(h>p?f--:f++,_=1)):(~h||(i>$?f--:i<$&&f++),typeof o.type!="function"&&(o.__u|=4))):y[r]=null;if(_){for(c=[],m=[],r=0;r<i;r++)if((o=y[r])&&16&o.__u){for(f=0,u=c.length;f<u;)c[d=f+u>>1]<o.__i?f=d+1:u=d;c[f]=o.__i,m[r]=f+1}for(f=c.length;r--;)m[r]&&(m[r]==f?f--:y[r].__u|=4)}if(b)for(r=0;r<$;r++)!(l=s[r])||2&l.__u||(l.__e==a&&(a=K(l)),Re(l,l));return a}function pt(e,t,s,a){var i,r,o,l;if(typeof e.type=="function"){if(e.props.__P)return t;if(i=e.__k)for(r=0;r<i.length;r++)i[r]&&(i[r].__=e,t=pt(i[r],t,s,!1));return t}for(t&&!t.parentNode&&(t=K(e))&&!t.parentNode&&(t=null),o=e.__e,l=t;l&&l.nodeType==8;)l=l.nextSibling;for(o!=l&&(!a&&s.moveBefore&&o.parentNode?s.moveBefore(o,t):s.insertBefore(o,t||null)),t=o;(t=t&&t.nextSibling)&&t.nodeType==8&&!t.data.startsWith("$s"););return t}function ms(e,t,s,a){var i,r=e.key,o=e.type,l=t[s],p=l&&!(2&l.__u);if(l===null&&r==null||p&&r==l.key&&o==l.type)return s;if(a>(p?1:0)){for(i=s-1;i>=0;i--)if((l=t[i])&&!(2&l.__u)&&r==l.key&&o==l.type)return i;for(i=s+1;i<t.length;i++)if((l=t[i])&&!(2&l.__u)&&r==l.key&&o==l.type)return i}return-1}function at(e,t,s){s==null&&(s=""),t[0]=="-"?e.setProperty(t,s):e[t]=s}function ge(e,t,s,a,i){var r,o;if(t=="style")if(typeof s=="string")e.style.cssText=s;else{if(typeof a=="string"&&(e.style.cssText=a=""),a)for(t in a)s&&t in s||at(e.style,t);if(s)for(t in s)a&&s[t]==a[t]||at(e.style,t,s[t])}else if(t[0]=="o"&&t[1]=="n")typeof s!="function"&&(s=null),typeof a!="function"&&(a=null),(e.__e||(e.__e={}))[t]=s,s&&a||(o=Ie[t]||(Ie[t]=fs(t)),(e.__a||(e.__a={}))[t]=Ne,r=t!=(t=t.replace(rt,"$1")),(t=t.slice(2))[0]<"a"&&(t=t.toLowerCase()),s?e.addEventListener(t,o,r):e.removeEventListener(t,o,r));else{if(i=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{return void(e[t]=s??"")}catch{}if(typeof s=="function")return;s==null||s===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&s==1?"":s)}}function fs(e){return function(t){var s=this.__e;if(s){if(s=s[e],t[$e]==null)t[$e]=Ne++;else if(t[$e]<this.__a[e])return;return s(N.event?N.event(t):t)}}}function Te(e,t,s,a,i,r,o,l,p,h){var c,m,u,d,$,b,f,_,y,v,g,x,M,he,J,tt,q,Y,j=t.type;if(t.constructor!==ne)return null;128&s.__u&&(p=32&s.__u,c=s.__c.__z)&&(t.__u|=p,m=r=[],c.nodeType==8?l=_e(c,r):r.push(c),l=r[0]||l),(c=N.__b)&&c(t);e:if(typeof j=="function"){u=o.length;try{if(_=t.props,y=(c=j.prototype)&&c.render,v=(c=j.contextType)&&a[c.__c],g=c?v?v.props.value:c.__:a,(d=s.__c)?(t.__c=d,2&d.__g&&(d.__g|=1)):(y?t.__c=d=new j(_,g):(t.__c=d=new ve(_,g),d.constructor=j,d.render=gs),v&&v.sub(d),d.state||(d.state={}),d.__n=a,d.__g|=8,d.__h=[],d.__k=[]),y&&(d.__s||(d.__s=d.state),j.getDerivedStateFromProps&&(d.__s==d.state&&(d.__s=Z({},d.__s)),Z(d.__s,j.getDerivedStateFromProps(_,d.__s)))),$=d.props,b=d.state,d.__v=t,s.__c){if(_!==$&&y&&!j.getDerivedStateFromProps&&d.componentWillReceiveProps&&d.componentWillReceiveProps(_,g),t.__v==s.__v&&!(8&d.__g)||!(4&d.__g)&&d.shouldComponentUpdate&&d.shouldComponentUpdate(_,d.__s,g)===!1){t.__v!=s.__v&&(d.props=_,d.state=d.__s,d.__g&=-9),t.__e=s.__e,t.__k=s.__k,t.__k.some(function(F){F&&(F.__=t)}),ke.push.apply(d.__h,d.__k),d.__k=[],d.__h.length&&o.push(d),l=K(s);break e}d.componentWillUpdate&&d.componentWillUpdate(_,d.__s,g),y&&d.componentDidUpdate&&d.__h.push(function(){d.componentDidUpdate($,b,f)})}else y&&!j.getDerivedStateFromProps&&d.componentWillMount&&d.componentWillMount(),y&&d.componentDidMount&&d.__h.push(d.componentDidMount);d.context=g,d.props=_,d.__P=e,d.__g&=-5,x=N.__r,M=y?25:0;do d.__g&=-9,x&&x(t),c=d.render(d.props,d.state=d.__s,d.context);while(8&d.__g&&++M<25);y&&(ke.push.apply(d.__h,d.__k),d.__k=[]),d.state=d.__s,d.getChildContext&&(a=Z({},a,d.getChildContext())),y&&s.__c&&d.getSnapshotBeforeUpdate&&(f=d.getSnapshotBeforeUpdate($,b)),he=c&&c.type===we&&c.key==null?c.props.children:c,_.__P&&(c=l,i=(e=_.__P).namespaceURI,p=r=null,s.props&&s.props.__P!=e&&(s.__k.some(function(F){F&&Re(F,F)}),s.__k=null),l=s.__k?K(s,0):null),l=dt(e,Ae(he)?he:[he],t,s,a,i,r,o,l,p,h),_.__P&&(t.__e=null,l=c),t.__u&=-161,m&&m.some(X),d.__h.length&&o.push(d),1&d.__g&&(d.__g&=-4)}catch(F){if(o.length=u,t.__v=null,p||r)if(F&&F.then){if(t.__u|=128|p,r){for(~(q=r.indexOf(l||void 0))||(q=r.length);(Y=r[q-1])&&Y.nodeType==8;)q--;for(;q<r.length;q++)if(Y=r[q])if(r[q]=null,J){if(Y==tt)break}else{if(Y.nodeType!=8)break;Y.data.startsWith("$s")&&(tt=_e(J=Y))}}if(!J){for(;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;J=l}(c=_e(J=t.__c.__z||(t.__c.__z=J)))?(t.__e=J,l=c):t.__e=l,l=l&&l.nextSibling}else r&&r.some(X);else t.__e=s.__e;t.__k||(t.__k=s.__k||[]),F&&F.then||ut(t),N.__e(F,t,s)}}else l=t.__e=hs(s.__e,t,s,a,i,r,o,p,h,e);return(c=N.diffed)&&c(t),l}function _e(e,t){if(e&&e.nodeType==8&&e.data.startsWith("$s"))for(var s=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith("$s"))s++;else if(e.data.startsWith("/$s")&&!--s)return e}t&&t.push(e)}}function ut(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(ut))}function mt(e,t,s){for(var a=0;a<s.length;)Pe(s[a++],s[a++],s[a++]);N.__c&&N.__c(t,e),e.some(function(i){try{e=i.__h,i.__h=[],e.some(function(r){r.call(i)})}catch(r){N.__e(r,i.__v)}})}function hs(e,t,s,a,i,r,o,l,p,h){var c,m,u,d,$,b,f,_,y=s.props||ye,v=t.props,g=t.type;if(g=="svg"?i="http://www.w3.org/2000/svg":g=="math"?i="http://www.w3.org/1998/Math/MathML":i||(i="http://www.w3.org/1999/xhtml"),r){for(c=0;c<r.length;c++)if(($=r[c])&&(g?$.localName==g:$.nodeType==3)){e=$,r[c]=null;break}}if(!e){if(_=h.ownerDocument||document,!g)return _.createTextNode(v);e=_.createElementNS(i,g,v.is?v:h),l&&(N.__m&&N.__m(t,r),l=!1),r=null}if(g){if(h=g=="template"&&e.content||e,r=g=="textarea"&&v.defaultValue!=null?null:r&&Le.call(h.childNodes),!l&&r)for(y={},c=0;c<e.attributes.length;c++)y[($=e.attributes[c]).name]=$.value;for(c in y)$=y[c],c=="dangerouslySetInnerHTML"?u=$:c=="children"||c in v||c=="value"&&"defaultValue"in v||c=="checked"&&"defaultChecked"in v||ge(e,c,null,$,i);for(c in v)$=v[c],c=="children"?d=$:c=="dangerouslySetInnerHTML"?m=$:c=="value"?b=$:c=="checked"?f=$:l&&typeof $!="function"||y[c]===$||ge(e,c,$,y[c],i);m?(l||u&&(m.__html==u.__html||m.__html==e.innerHTML)||(e.innerHTML=m.__html),t.__k=[]):(u&&(e.textContent=""),(g=="foreignObject"||i=="http://www.w3.org/1998/Math/MathML"&&ds.test(g))&&(i="http://www.w3.org/1999/xhtml"),dt(h,Ae(d)?d:[d],t,s,a,i,r,o,r?r[0]:s.__k&&K(s,0),l,p),r&&r.some(X)),l&&g!="textarea"||(c="value",g=="progress"&&b==null?e.removeAttribute(c):b==null||b===e[c]&&(g!="progress"||b)||ge(e,c,b,y[c],i),c="checked",f!=null&&f!=e[c]&&ge(e,c,f,y[c],i))}else y===v||l&&e.data==v||(e.data=v);return e}function Pe(e,t,s,a){try{typeof e=="function"?t?t.__x=e(t)||1:a&&(a=a.__c||a.__e)&&(t=a.__x)&&(a.__x=null,typeof t=="function"?t():e(null)):e.current=t}catch(i){N.__e(i,s)}}function Re(e,t,s){var a,i,r,o;if(N.unmount&&N.unmount(e),!(a=e.ref)||a.current&&a.current!=e.__e||Pe(a,null,t,e),a=e.__c){if(a.componentWillUnmount)try{a.componentWillUnmount()}catch(l){N.__e(l,t)}a.__P=a.__n=null}if(a=e.__k)for(o=0;o<a.length;o++)a[o]&&Re(a[o],t,typeof e.type!="function"||s&&!e.props.__P);!s&&(a=e.__c)&&(a=a.__z)&&(i=_e(a,r=[]))&&(a==e.__e&&r.some(X),X(i),X(a)),s||X(e.__e),e.__e=e.__c=e.__=null}function gs(e,t,s){return this.constructor(e,s)}function ft(e,t){var s,a,i,r;N.__&&N.__(e,t),t.nodeType==9&&(t=t.documentElement),a=(s=e&&32&e.__u)?null:t.__k,t.__k=ae(we,{children:[e]}),i=[],r=[],Te(t,t.__k,a||ye,ye,t.namespaceURI,a?null:t.firstChild?Le.call(t.childNodes):null,i,a?a.__e:t.firstChild,s,r),mt(i,t.__k,r),t.__k.props.children=null}N={__e:function(e,t,s,a){for(var i,r,o;t=t.__;)if((i=t.__c)&&!(1&i.__g)){i.__g|=4;try{if((o=(r=i.constructor)&&r.getDerivedStateFromError)&&i.setState(r.getDerivedStateFromError(e)),i.componentDidCatch&&(i.componentDidCatch(e,a||{}),o=1),o&&8&i.__g)return void(i.__g|=2)}catch(l){e=l}}throw be=0,e}},nt=0,ls=function(e){return e!=null&&e.constructor===ne},ve.prototype.setState=function(e,t){var s=this.__s;s&&s!=this.state||(s=this.__s=Z({},this.state)),typeof e=="function"&&(e=e(Z({},s),this.props)),e&&(Z(s,e),this.__v&&(t&&this.__k.push(t),st(this)))},ve.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),st(this))},ve.prototype.render=we,G=[],be=0,ot=function(e,t){return e.__v.__b-t.__v.__b},$e=Symbol(),rt=/(PointerCapture)$|Capture$/i,Ne=0,Ie={},cs=0;var re,R,De,ht,Oe=Object.is,ie=0,xt=[],Me=[],P=N,gt=P.__b,$t=P.__r,vt=P.diffed,_t=P.__c,bt=P.unmount,yt=P.__;function Fe(e,t){P.__h&&P.__h(R,e,ie||t),ie=0;var s=R.__H||(R.__H={__:[],__h:[]});return e>=s.__.length&&s.__.push({}),s.__[e]}function k(e){return ie=1,$s(Et,e)}function $s(e,t,s){var a=Fe(re++,2);if(a.t=e,!a.__c&&(a.__=[s?s(t):Et(void 0,t),function(r){var o=(a.__N||a.__)[0],l=a.t(o,r);Oe(o,l)||(a.__N=[l,a.__[1]],a.__c.setState({}))}],a.__c=R,!R.__f)){R.__f=!0;var i=R.shouldComponentUpdate;R.shouldComponentUpdate=function(r,o,l){var p=this.__H;if(!p)return!0;var h=!1,c=this.props!=r;if(p.__.some(function(u){u.__N&&(h=!0,Oe(u.__[0],u.__N[0])||(c=!0))}),i){var m=i.call(this,r,o,l);return h?m||c:m}return!h||c}}return a.__}function B(e,t){var s=Fe(re++,3);!P.__s&&Ct(s.__H,t)&&(s.__P=!0,s.__=e,s.u=t,R.__H.__h.push(s))}function te(e){return ie=5,le(function(){return{current:e}},[])}function le(e,t){var s=Fe(re++,7);return Ct(s.__H,t)&&(s.__=e(),s.__H=t),s.__}function St(e,t){return ie=8,le(function(){return e},t)}function vs(){var e;do{for(;e=Me.shift();)try{oe(e)}catch(s){P.__e(s,{__:(e=e.__P)&&e.__v})}for(;e=xt.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(oe),t.__h.some(Ue),t.__h=[]}catch(s){t.__h=[],P.__e(s,e.__v)}}}while(Me.length)}P.__b=function(e){R=null,gt&&gt(e)},P.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),yt&&yt(e,t)},P.__r=function(e){$t&&$t(e),re=0;var t=(R=e.__c).__H;t&&(De==R?R.__h=[]:(t.__h.some(oe),t.__h.some(Ue),re=0),t.__h=[],t.__.some(function(s){s.__N&&(s.__=s.__N),s.u=s.__N=void 0})),De=R},P.diffed=function(e){vt&&vt(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&wt(xt.push(t)),t.__H.__.some(function(s){s.u&&(s.__H=s.u)})),De=R=null},P.__c=function(e,t){t.some(function(s){try{s.__h.some(oe),s.__h=s.__h.filter(function(a){return!a.__||Ue(a)})}catch(a){s.__h=[function(){throw a}]}}),_t&&_t(e,t)},P.unmount=function(e){bt&&bt(e);var t,s,a=e.__c;a&&a.__H&&(a.__H.__.some(function(i){try{if(i.__P&&i.__c){if(s===void 0){for(s=e.__;s&&(!s.__c||!s.__c.__P);)s=s.__;s=s&&s.__c}i.__P=s,wt(Me.push(i))}else oe(i)}catch(r){t=r}}),a.__H=void 0,t&&P.__e(t,a.__v))};var kt=typeof requestAnimationFrame=="function";function _s(e){var t,s=function(){clearTimeout(a),kt&&cancelAnimationFrame(t),setTimeout(e)},a=setTimeout(s,35);kt&&(t=requestAnimationFrame(s))}function wt(e){e!=1&&ht==P.requestAnimationFrame||((ht=P.requestAnimationFrame)||_s)(vs)}function oe(e){var t=R,s=e.__c;typeof s=="function"&&(e.__c=void 0,s()),R=t}function Ue(e){var t=R;e.__c=e.__(),R=t}function Ct(e,t){return!e||e.length!=t.length||t.some(function(s,a){return!Oe(s,e[a])})}function Et(e,t){return typeof t=="function"?t(e):t}var Ve="scanfleet.token",Be=sessionStorage.getItem(Ve)||"",je=new Set;function It(){return Be}function xe(e){Be=e,e?sessionStorage.setItem(Ve,e):sessionStorage.removeItem(Ve);for(let t of je)t(e)}function Nt(e){return je.add(e),()=>je.delete(e)}var se=class extends Error{constructor(t,s){super(s),this.status=t}};async function w(e,{method:t="GET",body:s,raw:a=!1,token:i}={}){let r={Authorization:"Bearer "+(i??Be)};s!==void 0&&(r["Content-Type"]="application/json");let o=await fetch(e,{method:t,headers:r,body:s===void 0?void 0:JSON.stringify(s)});if(o.status===401)throw i===void 0&&xe(""),new se(401,"The token was refused; log in again.");if(!o.ok){let l=o.statusText;try{l=(await o.json()).error||l}catch{}throw new se(o.status,l)}return a?o:o.status===204?null:o.json()}async function At(e,t){let s=await w(e,{raw:!0}),a=s.headers.get("Content-Disposition")||"",i=/filename="([^"]+)"/.exec(a),r=await s.blob(),o=URL.createObjectURL(r),l=document.createElement("a");l.href=o,l.download=i?i[1]:t,document.body.appendChild(l),l.click(),l.remove(),setTimeout(()=>URL.revokeObjectURL(o),1e4)}function U(e){let t=new URLSearchParams;for(let[a,i]of Object.entries(e))i!=null&&i!==""&&i!==!1&&t.set(a,String(i));let s=t.toString();return s?"?"+s:""}var Tt=function(e,t,s,a){var i;t[0]=0;for(var r=1;r<t.length;r++){var o=t[r++],l=t[r]?(t[0]|=o?1:2,s[t[r++]]):t[++r];o===3?a[0]=l:o===4?a[1]=Object.assign(a[1]||{},l):o===5?(a[1]=a[1]||{})[t[++r]]=l:o===6?a[1][t[++r]]+=l+"":o?(i=e.apply(l,Tt(e,l,s,["",null])),a.push(i),l[0]?t[0]|=2:(t[r-2]=0,t[r]=i)):a.push(l)}return a},Lt=new Map;function Pt(e){var t=Lt.get(this);return t||(t=new Map,Lt.set(this,t)),(t=Tt(this,t.get(e)||(t.set(e,t=(function(s){for(var a,i,r=1,o="",l="",p=[0],h=function(u){r===1&&(u||(o=o.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?p.push(0,u,o):r===3&&(u||o)?(p.push(3,u,o),r=2):r===2&&o==="..."&&u?p.push(4,u,0):r===2&&o&&!u?p.push(5,0,!0,o):r>=5&&((o||!u&&r===5)&&(p.push(r,0,o,i),r=6),u&&(p.push(r,u,0,i),r=6)),o=""},c=0;c<s.length;c++){c&&(r===1&&h(),h(c));for(var m=0;m<s[c].length;m++)a=s[c][m],r===1?a==="<"?(h(),p=[p],r=3):o+=a:r===4?o==="--"&&a===">"?(r=1,o=""):o=a+o[0]:l?a===l?l="":o+=a:a==='"'||a==="'"?l=a:a===">"?(h(),r=1):r&&(a==="="?(r=5,i=o,o=""):a==="/"&&(r<5||s[c][m+1]===">")?(h(),r===3&&(p=p[0]),r=p,(p=p[0]).push(2,0,r),r=0):a===" "||a==="	"||a===`
`||a==="\r"?(h(),r=2):o+=a),r===3&&o==="!--"&&(r=4,p=p[0])}return h(),p})(e)),t),arguments,[])).length>1?t:t[0]}var n=Pt.bind(it);function Q(e){let[t,s]=k(e),a=te(e);return B(()=>{a.current!==e&&(a.current=e,s(e))},[e]),[t,s]}var D=["CRITICAL","HIGH","MEDIUM","LOW","NEGLIGIBLE","UNKNOWN"];function He(){let e=location.hash.replace(/^#/,"")||"/images",[t,s=""]=e.split("?");return{parts:t.split("/").filter(Boolean).map(decodeURIComponent),query:Object.fromEntries(new URLSearchParams(s))}}function E(e,t={}){let s=new URLSearchParams;for(let[i,r]of Object.entries(t))r!=null&&r!==""&&r!==!1&&s.set(i,String(r));let a=s.toString();return"#/"+e.map(i=>encodeURIComponent(i).replace(/%3A/gi,":")).join("/")+(a?"?"+a:"")}function H(e,t){location.hash=E(e,t)}function C(e,t,s=0){let[a,i]=k({data:null,error:null,loading:!0}),r=te(0),o=St(async()=>{let l=++r.current;try{let p=await e();l===r.current&&i({data:p,error:null,loading:!1})}catch(p){l===r.current&&i(h=>({data:h.data,error:p,loading:!1}))}},t);return B(()=>{if(i(p=>({...p,loading:!0})),o(),!s)return;let l=setInterval(o,s);return()=>{clearInterval(l),r.current++}},[o]),{...a,reload:o}}function ce(){return typeof matchMedia=="function"&&matchMedia("(max-width: 600px)").matches}function O(e){if(!e)return"";let[t,s]=e.includes(":")?e.split(":"):["",e];return(t?t+":":"")+s.slice(0,12)}function A(e){if(!e)return"never";let t=new Date(e);return isNaN(t)||t.getFullYear()<2e3?"never":t.toLocaleString()}function T(e){if(!e)return"never";let t=new Date(e);if(isNaN(t)||t.getFullYear()<2e3)return"never";let s=Math.round((Date.now()-t.getTime())/1e3);return s<5?"just now":s<60?s+" s ago":s<3600?Math.round(s/60)+" min ago":s<86400?Math.round(s/3600)+" h ago":Math.round(s/86400)+" d ago"}function Dt(e){if(!e)return"0 B";let t=["B","KB","MB","GB","TB"],s=0;for(;e>=1e3&&s<t.length-1;)e/=1e3,s++;return(s?e.toFixed(1):e)+" "+t[s]}function W(e){return"sev sev-"+(e||"unknown").toLowerCase()}function S({error:e}){return e?n`<p class="error" role="alert">${e.message||String(e)}</p>`:null}function I({what:e="Loading"}){return n`<p class="muted" role="status">${e}…</p>`}function Rt(e){let t=e==null?"":Array.isArray(e)?e.join(" "):String(e);return/^[=+\-@\t\r]/.test(t)&&(t="'"+t),/[",\n\r]/.test(t)?'"'+t.replace(/"/g,'""')+'"':t}function bs(e,t){let s=[e.map(([a])=>Rt(a)).join(",")];for(let a of t)s.push(e.map(([,i])=>Rt(i(a))).join(","));return s.join(`\r
`)+`\r
`}function We(e,t,s="text/csv"){let a=URL.createObjectURL(new Blob([t],{type:s+";charset=utf-8"})),i=document.createElement("a");i.href=a,i.download=e,document.body.appendChild(i),i.click(),i.remove(),setTimeout(()=>URL.revokeObjectURL(a),1e4)}function L({name:e,columns:t,rows:s,label:a="Export CSV"}){let[i,r]=k(!1),[o,l]=k(null);async function p(){r(!0),l(null);try{We(e+".csv",bs(t,await s()))}catch(h){l(h)}r(!1)}return n`<span class="csv"><button type="button" class="small" onClick=${p} disabled=${i}
    aria-label=${a+" ("+e+".csv)"}>${i?"Exporting\u2026":a}</button>${o&&n` <span class="error" role="alert">${o.message}</span>`}</span>`}function V({offset:e,size:t,total:s,onGo:a,label:i="Pages"}){return s<=t&&e===0?null:n`<nav class="pager" aria-label=${i}>
    <button type="button" disabled=${e===0} onClick=${()=>a(Math.max(0,e-t))}>Previous</button>
    <span>${e+1}–${Math.min(s,e+t)} of ${s}</span>
    <button type="button" disabled=${e+t>=s} onClick=${()=>a(e+t)}>Next</button>
  </nav>`}function Se({coverage:e,notCovered:t=[]}){return e==="not_covered"?n`<span class="nc-badge" title=${"The database has no data for "+t.join(", ")+": findings there are unknown, not absent"}>
      Not covered: ${t.join(", ")}</span>`:e==="unknown"?n`<span class="nc-badge unknown" title="The report does not say whether the database covered this image">Coverage unknown</span>`:null}function Ot(e){return(e||"").split(/[\n,]/).map(t=>t.trim()).filter(Boolean)}var ys=[["name",e=>e.name],["url",e=>e.url],["filters",e=>e.filters||[]],["interval",e=>e.interval],["last_crawl",e=>e.last_crawl],["last_error",e=>e.last_error],["images",e=>e.images],["queued",e=>e.queued],["leased",e=>e.leased],["failed",e=>e.failed]],qe=[["","Manual only"],["15m0s","Every 15 minutes"],["1h0m0s","Every hour"],["6h0m0s","Every 6 hours"],["24h0m0s","Every day"]];function ks(e){if(!e)return"Manual";let t=qe.find(([s])=>s===e);return t?t[1]:"Every "+e}var Mt={name:"",url:"",username:"",password:"",token:"",insecure:!1,filters:"",interval:"",max_repositories:"",max_tags:"",rescan_after_db_update:!1,kind:"",namespace:"",api:"",repositories:"",api_token:"",webhook_secret:"",max_pulls:"",pulls_per_second:""},ws=[["","Generic (/v2/_catalog)"],["dockerhub","Docker Hub"],["ghcr","GitHub (GHCR)"],["gitlab","GitLab"],["harbor","Harbor"],["quay","Quay"],["artifactory","JFrog Artifactory"],["nexus","Sonatype Nexus"],["ecr","Amazon ECR"],["gar","Google Artifact Registry"],["acr","Azure Container Registry"]];function xs({initial:e,onDone:t,onCancel:s}){let a=!!e,[i,r]=k(e?{...Mt,...e,password:"",token:"",filters:(e.filters||[]).join(`
`),interval:e.interval||"",max_repositories:e.max_repositories||"",max_tags:e.max_tags||"",kind:e.kind||"",namespace:e.namespace||"",api:e.api||"",repositories:(e.repositories||[]).join(`
`),api_token:"",webhook_secret:"",max_pulls:e.max_pulls||"",pulls_per_second:e.pulls_per_second||""}:Mt),[o,l]=k(null),[p,h]=k(!1),c=d=>$=>{let b=$.currentTarget;r({...i,[d]:b.type==="checkbox"?b.checked:b.value})};async function m(d){d.preventDefault(),h(!0),l(null);let $={name:i.name.trim(),url:i.url.trim(),username:i.username.trim()||void 0,password:i.password||void 0,token:i.token||void 0,insecure:i.insecure||void 0,filters:i.filters.split(/[\n,]/).map(b=>b.trim()).filter(Boolean),interval:i.interval.trim(),max_repositories:i.max_repositories?Number(i.max_repositories):void 0,max_tags:i.max_tags?Number(i.max_tags):void 0,rescan_after_db_update:i.rescan_after_db_update||void 0,kind:i.kind||void 0,namespace:i.namespace.trim()||void 0,api:i.api.trim()||void 0,repositories:i.repositories.split(/[\n,]/).map(b=>b.trim()).filter(Boolean),api_token:i.api_token||void 0,webhook_secret:i.webhook_secret||void 0,max_pulls:i.max_pulls?Number(i.max_pulls):void 0,pulls_per_second:i.pulls_per_second?Number(i.pulls_per_second):void 0};try{a?await w("/api/v1/registries/"+encodeURIComponent(e.name),{method:"PUT",body:$}):await w("/api/v1/registries",{method:"POST",body:$}),t($.name)}catch(b){l(b),h(!1)}}let u=i.interval&&!qe.some(([d])=>d===i.interval);return n`<form class="card form" onSubmit=${m} aria-labelledby="regform-title">
    <h2 id="regform-title">${a?"Edit registry "+e.name:"Add a registry"}</h2>
    <div class="grid">
      <div class="field">
        <label for="reg-name">Name</label>
        <input id="reg-name" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,62}" value=${i.name} onInput=${c("name")}
          readonly=${a} aria-describedby="reg-name-hint" />
        <small id="reg-name-hint">Letters, digits, “.”, “_”, “-”.</small>
      </div>
      <div class="field">
        <label for="reg-url">URL</label>
        <input id="reg-url" type="url" required placeholder="https://registry.example" value=${i.url} onInput=${c("url")} />
      </div>
      <div class="field">
        <label for="reg-user">Username</label>
        <input id="reg-user" autocomplete="off" value=${i.username} onInput=${c("username")} />
      </div>
      <div class="field">
        <label for="reg-pass">Password</label>
        <input id="reg-pass" type="password" autocomplete="new-password" value=${i.password} onInput=${c("password")}
          aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-token">Registry token</label>
        <input id="reg-token" type="password" autocomplete="off" value=${i.token} onInput=${c("token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-schedule">Schedule</label>
        <select id="reg-schedule" value=${u?"custom":i.interval} onChange=${d=>{let $=d.currentTarget.value;r({...i,interval:$==="custom"?"2h":$})}}>
          ${qe.map(([d,$])=>n`<option value=${d}>${$}</option>`)}
          <option value="custom">Other interval…</option>
        </select>
      </div>
      ${u&&n`<div class="field">
        <label for="reg-interval">Interval (Go duration, e.g. 90m)</label>
        <input id="reg-interval" value=${i.interval} onInput=${c("interval")} />
      </div>`}
      <div class="field wide">
        <label for="reg-filters">Filters (one per line: repository glob, optionally :tag glob)</label>
        <textarea id="reg-filters" rows="3" placeholder="team/*:v*" value=${i.filters} onInput=${c("filters")}></textarea>
      </div>
      <div class="field">
        <label for="reg-maxrepos">Max repositories</label>
        <input id="reg-maxrepos" type="number" min="0" value=${i.max_repositories} onInput=${c("max_repositories")} />
      </div>
      <div class="field">
        <label for="reg-maxtags">Max tags per repository</label>
        <input id="reg-maxtags" type="number" min="0" value=${i.max_tags} onInput=${c("max_tags")} />
      </div>
      <div class="field">
        <label for="reg-kind">Kind</label>
        <select id="reg-kind" value=${i.kind} onChange=${c("kind")}>
          ${ws.map(([d,$])=>n`<option value=${d}>${$}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="reg-namespace">Namespace (what the kind's API lists)</label>
        <input id="reg-namespace" placeholder="acme" value=${i.namespace} onInput=${c("namespace")} />
      </div>
      <div class="field">
        <label for="reg-api">API URL (when not the kind's default)</label>
        <input id="reg-api" type="url" value=${i.api} onInput=${c("api")} />
      </div>
      <div class="field">
        <label for="reg-apitoken">API token (when not the password)</label>
        <input id="reg-apitoken" type="password" autocomplete="off" value=${i.api_token} onInput=${c("api_token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field wide">
        <label for="reg-repos">Repositories (one per line, REPO or REPO:tag glob; instead of any listing)</label>
        <textarea id="reg-repos" rows="2" placeholder="team/app:v*" value=${i.repositories} onInput=${c("repositories")}></textarea>
      </div>
      <div class="field">
        <label for="reg-hook">Webhook secret</label>
        <input id="reg-hook" type="password" autocomplete="off" value=${i.webhook_secret} onInput=${c("webhook_secret")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-maxpulls">Max pulls at once (whole fleet)</label>
        <input id="reg-maxpulls" type="number" min="0" value=${i.max_pulls} onInput=${c("max_pulls")} />
      </div>
      <div class="field">
        <label for="reg-pps">Pulls per second</label>
        <input id="reg-pps" type="number" min="0" step="any" value=${i.pulls_per_second} onInput=${c("pulls_per_second")} />
      </div>
      <div class="field check">
        <input id="reg-insecure" type="checkbox" checked=${i.insecure} onChange=${c("insecure")} />
        <label for="reg-insecure">Skip TLS verification</label>
      </div>
      <div class="field check">
        <input id="reg-rescan" type="checkbox" checked=${i.rescan_after_db_update} onChange=${c("rescan_after_db_update")} />
        <label for="reg-rescan">Rescan after database updates</label>
      </div>
    </div>
    <p id="reg-secret-hint" class="hint">
      Secrets are stored encrypted and never shown again.
      ${a&&n` Saving replaces them:
        ${e.password_set||e.token_set?n`<strong>retype the password or token</strong>, or leave both empty for none.`:"none is set now."}`}
    </p>
    <${S} error=${o} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${p}>${a?"Save":"Add registry"}</button>
      <button type="button" onClick=${s}>Cancel</button>
    </div>
  </form>`}function Ss({r:e}){let t=e.queued+e.leased+e.scanned+e.failed,s=e.crawling||e.queued+e.leased>0,a;return e.crawling?a="Listing images\u2026":s?a=`Scanning: ${e.scanned} of ${t} done, ${e.leased} in progress, ${e.queued} waiting`:e.last_crawl?a=`Last scan ${T(e.last_crawl)}: ${e.scanned} scanned`+(e.failed?`, ${e.failed} failed`:""):a="Never scanned",n`<div class="progress-cell">
    <span class=${s?"state running":"state"} data-testid="reg-status">${a}</span>
    ${s&&t>0&&n`<progress max=${t} value=${e.scanned+e.failed} aria-label=${"Scan progress of "+e.name}></progress>`}
    ${e.last_error&&n`<span class="error small">Last crawl error: ${e.last_error}</span>`}
  </div>`}function Ut({role:e}){let t=e==="admin",{data:s,error:a,reload:i}=C(()=>w("/api/v1/console/registries"),[],2e3),[r,o]=k(null),[l,p]=k(""),[h,c]=k(null);async function m(u,d){c(null);try{await u(),p(d),i()}catch($){c($)}}return n`
    <div class="page-head">
      <h1>Registries</h1>
      ${t&&!r&&n`<button type="button" class="primary" onClick=${()=>o("new")}>Add registry</button>`}
    </div>
    <p class="sr-only" role="status" aria-live="polite">${l}</p>
    ${r&&n`<${xs}
      initial=${r==="new"?null:r}
      onCancel=${()=>o(null)}
      onDone=${u=>{o(null),p("Registry "+u+" saved."),i()}}
    />`}
    <${S} error=${h||a} />
    ${!s&&!a&&n`<${I} />`}
    ${s&&s.length===0&&n`<p class="empty">No registries yet.${t?" Add one to start scanning.":""}</p>`}
    ${s&&s.length>0&&n`<div class="list-tools"><span></span><${L} name="registries" columns=${ys} rows=${()=>s} /></div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Registries and the progress of their scans</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Schedule</th><th scope="col">Images</th>
        <th scope="col">Status</th>${t&&n`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
      <tbody>
        ${s.map(u=>n`<tr key=${u.name} data-registry=${u.name}>
            <th scope="row"><a href=${E(["images"],{registry:u.name})}>${u.name}</a>
              ${(u.filters||[]).length>0&&n`<div class="small muted">${u.filters.join(", ")}</div>`}</th>
            <td class="mono small">${u.url}${u.username&&n`<div class="muted">as ${u.username}</div>`}</td>
            <td>${ks(u.interval)}${u.rescan_after_db_update&&n`<div class="small muted">rescans after DB updates</div>`}</td>
            <td class="num">${u.images}</td>
            <td><${Ss} r=${u} /></td>
            ${t&&n`<td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Scan "+u.name+" now"} disabled=${u.crawling}
                onClick=${()=>m(()=>w(`/api/v1/registries/${encodeURIComponent(u.name)}/scan`,{method:"POST",body:{}}),"Scan of "+u.name+" started.")}>Scan now</button>
              <button type="button" class="small" aria-label=${"Edit "+u.name} onClick=${()=>o(u)}>Edit</button>
              <button type="button" class="small danger" aria-label=${"Delete "+u.name}
                onClick=${()=>confirm(`Delete registry ${u.name}? Its stored results stay.`)&&m(()=>w(`/api/v1/registries/${encodeURIComponent(u.name)}`,{method:"DELETE"}),"Registry "+u.name+" deleted.")}>Delete</button>
            </td>`}
          </tr>`)}
      </tbody>
    </table></div>`}
    <p class="hint">Status refreshes every 2 seconds.</p>`}var Ft={CRITICAL:"#8e1b1b",HIGH:"#d2461c",MEDIUM:"#c98a00",LOW:"#2f6db3",NEGLIGIBLE:"#5f7481",UNKNOWN:"#8a8a8a"};function de(e){return Ft[e]||Ft.UNKNOWN}function z({counts:e={},fixable:t={},title:s="Findings by severity"}){let a=D.filter($=>e[$]>0);if(!a.reduce(($,b)=>$+e[b],0))return n`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No findings.</p></figure>`;let r=Math.max(...a.map($=>e[$])),o=26,l=ce(),p=l?84:92,h=l?96:120,c=l?340:560,m=c-p-h,u=a.length*o+24,d=s+": "+a.map($=>`${e[$]} ${$.toLowerCase()} (${t[$]||0} with a fix)`).join(", ");return n`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${c} ${u}" role="img" aria-label=${d} preserveAspectRatio="xMinYMin meet">
      <defs>
        ${a.map($=>n`<pattern id=${"nofix-"+$} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill=${de($)} opacity="0.35" />
            <line x1="0" y1="0" x2="0" y2="6" stroke=${de($)} stroke-width="3" />
          </pattern>`)}
      </defs>
      ${a.map(($,b)=>{let f=b*o+2,_=e[$],y=Math.min(t[$]||0,_),v=Math.max(2,_/r*m),g=y/_*v;return n`<g>
          <text x="0" y=${f+16} class="chart-label">${$}</text>
          <rect x=${p} y=${f+3} width=${g} height="18" fill=${de($)} />
          <rect x=${p+g} y=${f+3} width=${v-g} height="18" fill=${"url(#nofix-"+$+")"} />
          <text x=${p+v+6} y=${f+16} class="chart-num">${_} (${y} fix)</text>
        </g>`})}
      <g transform=${`translate(${p},${a.length*o+8})`}>
        <rect width="12" height="10" fill="#555" /><text x="16" y="9" class="chart-legend">has a fix</text>
        <rect x="90" width="12" height="10" fill="url(#nofix-${a[0]})" /><text x="106" y="9" class="chart-legend">no fix yet</text>
      </g>
    </svg>
  </figure>`}function Ce({samples:e=[],series:t,title:s,timeFmt:a}){let i=ce()?360:640,r=ce()?200:220,o=44,l=12,p=12,h=40;if(e.length<2)return n`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">Not enough samples yet.</p></figure>`;let c=new Date(e[0].time).getTime(),m=new Date(e[e.length-1].time).getTime(),u=Math.max(1,m-c),d=Math.max(1,...e.flatMap(x=>t.map(M=>x[M.key]||0))),$=Vt(d),b=x=>o+(new Date(x).getTime()-c)/u*(i-o-l),f=x=>p+(1-x/$)*(r-p-h),_=e[e.length-1],y=s+(a?` from ${g(e[0].time)} to ${g(_.time)}: `:` over the last ${Math.round(u/6e4)||"<1"} min: `)+t.map(x=>`${x.label} now ${_[x.key]||0}, peak ${Math.max(...e.map(M=>M[x.key]||0))}`).join("; "),v=[0,$/2,$],g=a||(x=>new Date(x).toLocaleTimeString([],{hour:"2-digit",minute:"2-digit",second:"2-digit"}));return n`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${i} ${r}" role="img" aria-label=${y} preserveAspectRatio="xMinYMin meet">
      ${v.map(x=>n`<g>
          <line x1=${o} x2=${i-l} y1=${f(x)} y2=${f(x)} class="grid" />
          <text x=${o-6} y=${f(x)+4} text-anchor="end" class="chart-num">${x}</text>
        </g>`)}
      <text x=${o} y=${r-h+16} class="chart-num">${g(e[0].time)}</text>
      <text x=${i-l} y=${r-h+16} text-anchor="end" class="chart-num">${g(_.time)}</text>
      ${t.map(x=>n`<polyline fill="none" stroke=${x.color} stroke-width="2.5" stroke-linejoin="round"
          points=${e.map(M=>`${b(M.time).toFixed(1)},${f(M[x.key]||0).toFixed(1)}`).join(" ")} />`)}
      <g transform=${`translate(${o},${r-10})`}>
        ${t.map((x,M)=>n`<g transform=${`translate(${M*(i>400?120:100)},0)`}>
            <rect y="-9" width="14" height="4" fill=${x.color} /><text x="18" y="-3" class="chart-legend">${x.label}</text>
          </g>`)}
      </g>
    </svg>
  </figure>`}function Vt(e){let t=Math.pow(10,Math.floor(Math.log10(e)));for(let s of[1,2,5,10])if(s*t>=e)return s*t;return 10*t}function jt({days:e=[],valueKey:t,title:s,color:a="#1a5fb4"}){if(!e.length)return n`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No days recorded yet.</p></figure>`;let i=ce()?340:560,r=170,o=36,l=24,p=14,h=Vt(Math.max(1,...e.map(b=>b[t]||0))),c=(i-o)/Math.max(e.length,7),m=Math.max(4,Math.min(40,c*.7)),u=b=>p+(1-b/h)*(r-p-l),d=b=>new Date(b+"T12:00:00Z").toLocaleDateString([],{month:"short",day:"numeric"}),$=s+": "+e.map(b=>`${d(b.day)} ${b[t]||0}`).join(", ");return n`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${i} ${r}" role="img" aria-label=${$} preserveAspectRatio="xMinYMin meet">
      ${[0,h/2,h].filter(Number.isInteger).map(b=>n`<g><line x1=${o} x2=${i} y1=${u(b)} y2=${u(b)} class="grid" />
          <text x=${o-6} y=${u(b)+4} text-anchor="end" class="chart-num">${b}</text></g>`)}
      ${e.map((b,f)=>{let _=b[t]||0,y=o+f*c+(c-m)/2;return n`<g>
          <rect x=${y} y=${u(_)} width=${m} height=${Math.max(0,r-l-u(_))} fill=${a} />
          ${(e.length<=10||f===0||f===e.length-1)&&n`<text x=${y+m/2} y=${r-8} text-anchor="middle" class="chart-num">${d(b.day)}</text>`}
        </g>`})}
    </svg>
  </figure>`}var pe=50,Cs=[{key:"repository",label:"Image"},{key:"os",label:"OS",cls:"hide-sm"},{key:"severity",label:"Findings by severity"},{key:"fixable",label:"With a fix",cls:"num"},{key:"packages",label:"Packages",cls:"num hide-sm"},{key:"scanned_at",label:"Last scan",cls:"hide-sm"}],Es=[["","Any"],["true","Running"],["false","Not running"]],Is=[["","Any"],["not_covered","Not covered"],["covered","Covered"],["unknown","Unknown"]];function ue({sev:e={},fix:t,coverage:s,notCovered:a}){let i=D.filter(o=>e[o]>0),r=n`<${Se} coverage=${s} notCovered=${a} />`;return i.length?n`<span class="counts">${r}
    ${i.map(o=>n`<span class=${W(o)} title=${`${e[o]} ${o.toLowerCase()}`+(t?`, ${t[o]||0} with a fix`:"")}>
        <span aria-hidden="true">${o[0]}</span><span class="sr-only">${o.toLowerCase()}</span> ${e[o]}</span>`)}
  </span>`:s&&s!=="covered"?r:n`<span class="muted">none</span>`}function Bt({query:e}){let t={registry:e.registry||"",repository:e.repository||"",q:e.q||"",severity:e.severity||"",coverage:e.coverage||"",fixable:e.fixable==="true",running:e.running==="true"||e.running==="false"?e.running:"",sort:e.sort||"severity",order:e.order||"",offset:Number(e.offset)||0},s=JSON.stringify(t),{data:a,error:i,loading:r}=C(()=>w("/api/v1/console/images"+U({...t,limit:pe})),[s],1e4),[o,l]=Q(t.q),p=m=>H(["images"],{...t,offset:0,...m}),h=m=>{let u=t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(t.sort);p({sort:m,order:t.sort===m?u?"asc":"desc":""})},c=m=>t.sort!==m?void 0:(t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(m))?"descending":"ascending";return n`
    <div class="page-head"><h1>Images</h1></div>
    <form class="filters" role="search" aria-label="Filter images" onSubmit=${m=>{m.preventDefault(),p({q:o.trim()})}}>
      <div class="field">
        <label for="f-registry">Registry</label>
        <select id="f-registry" value=${t.registry} onChange=${m=>p({registry:m.currentTarget.value,repository:""})}>
          <option value="">All</option>
          ${(a?.registries||(t.registry?[t.registry]:[])).map(m=>n`<option value=${m}>${m}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-repo">Repository</label>
        <select id="f-repo" value=${t.repository} onChange=${m=>p({repository:m.currentTarget.value})}>
          <option value="">All</option>
          ${(a?.repositories||(t.repository?[t.repository]:[])).map(m=>n`<option value=${m}>${m}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-sev">Has severity</label>
        <select id="f-sev" value=${t.severity} onChange=${m=>p({severity:m.currentTarget.value})}>
          <option value="">Any</option>
          ${D.map(m=>n`<option value=${m}>${m[0]+m.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-cov">Coverage</label>
        <select id="f-cov" value=${t.coverage} onChange=${m=>p({coverage:m.currentTarget.value})}>
          ${Is.map(([m,u])=>n`<option value=${m}>${u}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-running">Running</label>
        <select id="f-running" value=${t.running} onChange=${m=>p({running:m.currentTarget.value})}>
          ${Es.map(([m,u])=>n`<option value=${m}>${u}</option>`)}
        </select>
      </div>
      <div class="field grow">
        <label for="f-q">Search</label>
        <input id="f-q" type="search" placeholder="name, tag, digest or OS" value=${o} onInput=${m=>l(m.currentTarget.value)} />
      </div>
      <div class="field check">
        <input id="f-fix" type="checkbox" checked=${t.fixable} onChange=${m=>p({fixable:m.currentTarget.checked})} />
        <label for="f-fix">Only with fixes</label>
      </div>
      <button type="submit">Search</button>
    </form>
    <${S} error=${i} />
    ${!a&&!i&&n`<${I} />`}
    ${a&&n`
      <div class="summary">
        <div class="list-tools">
          <p role="status" aria-live="polite"><strong>${a.total}</strong> image${a.total===1?"":"s"}${a.not_covered>0?n`, <a href=${E(["images"],{...t,offset:0,coverage:"not_covered"})} class="nc-link"><strong>${a.not_covered}</strong> not covered</a> (their counts are incomplete)`:""}${a.running>0?n`, <a href=${E(["images"],{...t,offset:0,running:"true"})}><strong>${a.running}</strong> running</a>`:""}${r?" (refreshing\u2026)":""}</p>
          <${L} name="images" columns=${Ns} rows=${()=>As(t)} />
        </div>
        ${t.running&&a.running_containers===0&&n`<p class="warn" data-testid="no-running">No running containers are recorded: the controller watches Pods only as
          <code>scanfleet-controller --watch-pods</code>, so “not running” here means “not known to run”.</p>`}
        <${z} counts=${a.severities} fixable=${a.fixable} title="Findings in these images by severity" />
      </div>
      ${a.total===0?n`<p class="empty">No scanned image matches. Add a registry and scan it, or change the filters.</p>`:n`<div class="table-wrap"><table class="data images">
        <caption class="sr-only">Scanned images, sorted by ${t.sort}</caption>
        <thead><tr>
          ${Cs.map(m=>n`<th scope="col" class=${m.cls||""} aria-sort=${c(m.key)}>
              <button type="button" class="sort" onClick=${()=>h(m.key)}>${m.label}<span aria-hidden="true">${t.sort===m.key?c(m.key)==="descending"?" \u25BC":" \u25B2":""}</span></button></th>`)}
        </tr></thead>
        <tbody>
          ${a.items.map(m=>{let u=Object.values(m.fixable||{}).reduce((d,$)=>d+$,0);return n`<tr key=${m.registry+m.repository+m.digest}>
              <th scope="row">
                <a href=${E(["image",m.digest])}>${m.repository}:${m.tag}</a>
                ${m.running&&n` <a class="badge running" href=${E(["workloads"],{})} title="A running container uses this image">running</a>`}
                ${(m.tags||[]).filter(d=>d!==m.tag).length>0&&n`<div class="small">also ${(m.tags||[]).filter(d=>d!==m.tag).map(d=>":"+d).join(", ")}</div>`}
                <div class="small muted mono hide-sm">${m.registry} · ${O(m.digest)}</div>
              </th>
              <td class="hide-sm">${m.os||n`<span class="muted">unknown</span>`}</td>
              <td><${ue} sev=${m.severities} fix=${m.fixable} coverage=${m.coverage} notCovered=${m.not_covered} /></td>
              <td class="num">${u} / ${m.vulnerabilities}${m.coverage==="not_covered"?n`<span title="not covered: incomplete"> *</span>`:""}</td>
              <td class="num hide-sm">${m.packages}</td>
              <td class="hide-sm" title=${m.scanned_at}>${T(m.scanned_at)}</td>
            </tr>`})}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled=${t.offset===0} onClick=${()=>p({offset:Math.max(0,t.offset-pe)})}>Previous</button>
        <span>${t.offset+1}–${Math.min(a.total,t.offset+pe)} of ${a.total}</span>
        <button type="button" disabled=${t.offset+pe>=a.total} onClick=${()=>p({offset:t.offset+pe})}>Next</button>
      </nav>`}
    `}`}var Ns=[["registry",e=>e.registry],["repository",e=>e.repository],["tags",e=>(e.tags&&e.tags.length?e.tags:[e.tag]).join(" ")],["digest",e=>e.digest],["os",e=>e.os],["coverage",e=>e.coverage],["not_covered",e=>(e.not_covered||[]).join(" ")],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...D.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>Object.values(e.fixable||{}).reduce((t,s)=>t+s,0)],["scanned_at",e=>e.scanned_at],["running",e=>!!e.running]];async function As(e){let t=[];for(let s=0;;s+=500){let a=await w("/api/v1/console/images"+U({...e,offset:s,limit:500}));if(t.push(...a.items),s+500>=a.total)return t}}var ee=[["findings","Findings"],["layers","Layers"],["packages","Packages"]],Ls=[["json","JSON"],["sarif","SARIF"],["cyclonedx","CycloneDX"],["spdx","SPDX"]];function Ts(e){let s=(e.references||[]).find(a=>/^https:\/\//.test(a));return s||(/^CVE-/.test(e.id)?"https://nvd.nist.gov/vuln/detail/"+e.id:/^GHSA-/.test(e.id)?"https://github.com/advisories/"+e.id:/^GO-/.test(e.id)?"https://pkg.go.dev/vuln/"+e.id:"https://osv.dev/vulnerability/"+e.id)}var Ht=50;function Ge({kev:e}){return e?n`<span class="badge kev" title=${"In CISA's Known Exploited Vulnerabilities catalog since "+e.date_added+(e.due_date?", remediation due "+e.due_date:"")+(e.known_ransomware_use?"; used by ransomware":"")}>KEV</span>`:null}function Ke({epss:e}){if(!e)return null;let t=(e.score*100).toFixed(e.score<.1?1:0);return n`<span class="badge epss" title=${`EPSS ${t}% probability of exploitation in the next 30 days (percentile ${Math.round(e.percentile*100)}, ${e.date})`}>EPSS ${t}%</span>`}function ze({cvss:e}){return!e||!e.length?n`<span class="muted">none given</span>`:n`<ul class="refs">${e.map(t=>n`<li><strong>${t.score.toFixed(1)}</strong> CVSS ${t.version}${t.source?" ("+t.source+")":""} <span class="mono small">${t.vector}</span></li>`)}</ul>`}function Je({refs:e}){return!e||!e.length?n`<span class="muted">none</span>`:n`<ul class="refs">${e.map(t=>/^https?:\/\//i.test(t)?n`<li><a href=${t} target="_blank" rel="noopener noreferrer">${t}</a></li>`:n`<li>${t}</li>`)}</ul>`}function Ps({v:e}){return n`<div class="detail-body">
    ${e.title&&n`<strong>${e.title}</strong>`}
    ${e.description?n`<p class="description">${e.description}</p>`:n`<p class="muted">The advisory has no description.</p>`}
    <dl>
      <dt>Severity</dt><dd>${e.severity||"UNKNOWN"}${e.severity_source?" (from "+e.severity_source+")":""}${e.vendor_severity?", vendor: "+e.vendor_severity:""}</dd>
      <dt>CVSS</dt><dd><${ze} cvss=${e.cvss} /></dd>
      ${e.kev&&n`<dt>Known exploited</dt><dd>in CISA KEV since ${e.kev.date_added}${e.kev.due_date?", due "+e.kev.due_date:""}${e.kev.known_ransomware_use?"; used by ransomware":""}</dd>`}
      ${e.epss&&n`<dt>EPSS</dt><dd>${(e.epss.score*100).toFixed(2)}% (percentile ${Math.round(e.epss.percentile*100)}, ${e.epss.date})</dd>`}
      ${e.package_path&&n`<dt>Found in</dt><dd class="mono small">${e.package_path}</dd>`}
      <dt>Source</dt><dd>${e.source||"unknown"}</dd>
      <dt>References</dt><dd><${Je} refs=${e.references} /></dd>
    </dl>
  </div>`}var Rs=[["id",e=>e.id],["aliases",e=>e.aliases||[]],["severity",e=>e.severity],["severity_source",e=>e.severity_source],["title",e=>e.title],["package",e=>e.package],["package_type",e=>e.package_type],["package_path",e=>e.package_path],["installed_version",e=>e.installed_version],["fixed_version",e=>e.fixed_version],["cvss",e=>(e.cvss||[]).map(t=>t.score+" "+t.vector).join(" ")],["kev",e=>e.kev?e.kev.date_added:""],["epss",e=>e.epss?e.epss.score:""],["layer",e=>e.layer]];function Ye({rep:e,name:t}){let[s,a]=k(""),[i,r]=k(""),[o,l]=k(!1),[p,h]=k(!1),[c,m]=k(0),[u,d]=k({}),$=e.vulnerabilities||[],b=le(()=>{let v=s.trim().toLowerCase();return $.filter(g=>(!i||(g.severity||"").toUpperCase()===i)&&(!o||g.fixed_version)&&(!p||g.kev)&&(!v||(g.id+" "+(g.aliases||[]).join(" ")+" "+g.package+" "+(g.title||"")).toLowerCase().includes(v))).sort((g,x)=>D.indexOf((g.severity||"UNKNOWN").toUpperCase())-D.indexOf((x.severity||"UNKNOWN").toUpperCase())||(x.kev?1:0)-(g.kev?1:0)||g.id.localeCompare(x.id))},[$,s,i,o,p]),f=v=>g=>{v(g),m(0)},_=b.slice(c,c+Ht),y=$.some(v=>v.kev);return n`
    <form class="filters" role="search" aria-label="Filter findings" onSubmit=${v=>v.preventDefault()}>
      <div class="field grow">
        <label for="v-q">Find</label>
        <input id="v-q" type="search" placeholder="CVE, package or title" value=${s} onInput=${v=>f(a)(v.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="v-sev">Severity</label>
        <select id="v-sev" value=${i} onChange=${v=>f(r)(v.currentTarget.value)}>
          <option value="">Any</option>
          ${D.map(v=>n`<option value=${v}>${v[0]+v.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field check">
        <input id="v-fix" type="checkbox" checked=${o} onChange=${v=>f(l)(v.currentTarget.checked)} />
        <label for="v-fix">Only with a fix</label>
      </div>
      ${y&&n`<div class="field check">
        <input id="v-kev" type="checkbox" checked=${p} onChange=${v=>f(h)(v.currentTarget.checked)} />
        <label for="v-kev">Only known exploited</label>
      </div>`}
    </form>
    <div class="list-tools">
      <p role="status" class="muted" id="findings-count">${b.length} of ${$.length} findings</p>
      <${L} name=${t+"-findings"} columns=${Rs} rows=${()=>b} />
    </div>
    ${b.length>0&&n`<div class="table-wrap"><table class="data findings">
      <caption class="sr-only">Findings, worst first</caption>
      <thead><tr><th scope="col">Severity</th><th scope="col">Vulnerability</th><th scope="col">Package</th>
        <th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Layer</th><th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>
        ${_.map((v,g)=>{let x=v.id+"|"+v.package+"|"+v.installed_version+"|"+(v.package_path||"")+"|"+(c+g),M=!!u[x];return n`<tr key=${x}>
            <td><span class=${W((v.severity||"").toUpperCase())}>${v.severity||"UNKNOWN"}</span>
              ${v.severity_source&&n`<div class="small muted">${v.severity_source}</div>`}</td>
            <th scope="row">
              <a href=${E(["vulnerabilities",v.id])}>${v.id}</a>
              <a class="ext" href=${Ts(v)} target="_blank" rel="noopener noreferrer" aria-label=${"Advisory for "+v.id+" (opens a new tab)"}>↗</a>
              <${Ge} kev=${v.kev} /><${Ke} epss=${v.epss} />
              ${v.title&&n`<div class="title-line" title=${v.title}>${v.title}</div>`}
              ${(v.aliases||[]).length>0&&n`<div class="small muted">${v.aliases.join(", ")}</div>`}
            </th>
            <td>${v.package}${v.package_type&&n` <span class="muted small">${v.package_type}</span>`}</td>
            <td class="mono small">${v.installed_version} → ${v.fixed_version?n`<strong>${v.fixed_version}</strong>`:n`<span class="nofix">no fix</span>`}</td>
            <td class="hide-sm small">${v.layer?n`<span class="mono">${O(v.layer)}</span>`:""}
              ${v.layer_created_by&&n`<div class="created-by" title=${v.layer_created_by}>${v.layer_created_by}</div>`}</td>
            <td><button type="button" class="small" aria-expanded=${M?"true":"false"} aria-controls=${"d-"+(c+g)}
              aria-label=${(M?"Hide details of ":"Show details of ")+v.id+" in "+v.package}
              onClick=${()=>d({...u,[x]:!M})}>${M?"Hide":"Details"}</button></td>
          </tr>
          ${M&&n`<tr class="detail" key=${x+"-d"} id=${"d-"+(c+g)}><td colspan="6"><${Ps} v=${v} /></td></tr>`}`})}
      </tbody>
    </table></div>
    <${V} offset=${c} size=${Ht} total=${b.length} onGo=${m} label="Pages of findings" />`}`}function Ds({rep:e}){let t=e.image?.layers||[],s=r=>{let o={};for(let l of r||[])o[l.layer]=(o[l.layer]||0)+1;return o},a=s(e.packages),i=s(e.vulnerabilities);return t.length?n`<ol class="layers">
    ${t.map((r,o)=>n`<li key=${r.digest} class="card">
        <div class="layer-head"><strong>Layer ${o+1}</strong> <span class="mono small">${O(r.digest)}</span>
          <span class="muted small">${Dt(r.size)}</span></div>
        <pre class="created-by-full">${r.created_by||"(no history entry)"}</pre>
        <p class="small">${a[r.digest]||0} packages introduced · ${i[r.digest]||0} findings</p>
      </li>`)}
  </ol>`:n`<p class="empty">This report lists no layers.</p>`}var Os=[["name",e=>e.name],["version",e=>e.version],["type",e=>e.type],["path",e=>e.path],["layer",e=>e.layer],["purl",e=>e.purl]];function Xe({rep:e,name:t}){let[s,a]=k(""),[i,r]=k(200),o=e.packages||[],l=s.trim().toLowerCase(),p=o.filter(h=>!l||(h.name+" "+h.version+" "+h.type).toLowerCase().includes(l));return n`
    <form class="filters" role="search" aria-label="Filter packages" onSubmit=${h=>h.preventDefault()}>
      <div class="field grow">
        <label for="p-q">Find a package</label>
        <input id="p-q" type="search" value=${s} onInput=${h=>a(h.currentTarget.value)} />
      </div>
    </form>
    <div class="list-tools">
      <p role="status" class="muted">${p.length} of ${o.length} packages</p>
      <${L} name=${t+"-packages"} columns=${Os} rows=${()=>p} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Packages</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Type</th><th scope="col" class="hide-sm">Path</th><th scope="col" class="hide-sm">Layer</th></tr></thead>
      <tbody>
        ${p.slice(0,i).map((h,c)=>n`<tr key=${c}>
            <th scope="row">${h.name}</th><td class="mono small">${h.version}</td><td>${h.type}</td>
            <td class="hide-sm small mono">${h.path}</td><td class="hide-sm small mono">${O(h.layer)}</td>
          </tr>`)}
      </tbody>
    </table></div>
    ${p.length>i&&n`<button type="button" onClick=${()=>r(i+500)}>Show more (${p.length-i} left)</button>`}`}function Wt({digest:e,query:t}){let{data:s,error:a}=C(()=>w("/api/v1/images/"+encodeURIComponent(e)),[e]),{data:i}=C(()=>w("/api/v1/console/images"+U({q:e,limit:20,sort:"reference"})).then(_=>_.items.filter(y=>y.digest===e)),[e]),[r,o]=k(t.tab||"findings"),[l,p]=k(null),h=le(()=>{let _={},y={};for(let v of s?.vulnerabilities||[]){let g=(v.severity||"UNKNOWN").toUpperCase();_[g]=(_[g]||0)+1,v.fixed_version&&(y[g]=(y[g]||0)+1)}return{c:_,f:y}},[s]);if(a)return n`<h1>Image</h1><${S} error=${a} />`;let c=(i||[]).flatMap(_=>(_.tags&&_.tags.length?_.tags:[_.tag]).map(y=>_.registry+"/"+_.repository+":"+y)),m=i&&i.length?i[0].repository+":"+i[0].tag:s&&s.image?.reference||e,u=(i&&i.length?i[0].repository+"-"+i[0].tag:O(e)).replace(/[^A-Za-z0-9._-]+/g,"_");if(!s)return n`<h1>Image</h1><${I} />`;let d=s.image||{},$=s.os?s.os.pretty_name||s.os.id+" "+(s.os.version_id||""):"unknown",b=(s.coverage||[]).filter(_=>!_.covered),f=_=>{let y=ee.findIndex(([g])=>g===r),v=-1;_.key==="ArrowRight"&&(v=(y+1)%ee.length),_.key==="ArrowLeft"&&(v=(y+ee.length-1)%ee.length),v>=0&&(_.preventDefault(),o(ee[v][0]),document.getElementById("tab-"+ee[v][0]).focus())};return n`
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/images">Images</a> ›</nav>
    <h1 class="break">${m}</h1>
    ${c.length>0&&n`<p class="muted small" id="image-tags">${c.join(", ")}</p>`}
    <p class="mono small break">${d.digest||e}</p>
    <dl class="facts">
      <div><dt>OS</dt><dd>${$}</dd></div>
      ${d.platform&&n`<div><dt>Platform</dt><dd>${d.platform}</dd></div>`}
      <div><dt>Scanned</dt><dd>${A(s.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(s.packages||[]).length}</dd></div>
      <div><dt>Findings</dt><dd>${(s.vulnerabilities||[]).length}</dd></div>
      ${s.db&&n`<div><dt>Database</dt><dd><span class="mono small">${O(s.db.digest)}</span><div class="small muted">built ${A(s.db.built_at)}</div></dd></div>`}
    </dl>
    ${b.length>0&&n`<p class="warn" role="note">Not covered by the database: ${b.map(_=>_.ecosystem+" ("+_.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    <div class="downloads" role="group" aria-label="Download the report">
      <span>Download report:</span>
      ${Ls.map(([_,y])=>n`<button type="button" class="small" onClick=${()=>{p(null),At(`/api/v1/images/${encodeURIComponent(e)}/report?format=${_}`,"report."+_).catch(p)}}>${y}</button>`)}
    </div>
    <${S} error=${l} />
    <${z} counts=${h.c} fixable=${h.f} />
    <div class="tabs" role="tablist" aria-label="Report sections" onKeyDown=${f}>
      ${ee.map(([_,y])=>n`<button type="button" role="tab" id=${"tab-"+_} aria-controls=${"panel-"+_}
          aria-selected=${r===_?"true":"false"} tabindex=${r===_?0:-1} onClick=${()=>o(_)}>${y}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+r} aria-labelledby=${"tab-"+r} class="panel">
      ${r==="findings"&&n`<${Ye} rep=${s} name=${u} />`}
      ${r==="layers"&&n`<${Ds} rep=${s} />`}
      ${r==="packages"&&n`<${Xe} rep=${s} name=${u} />`}
    </section>`}var qt=50;function Ms({id:e}){let{data:t,error:s}=C(()=>w("/api/v1/vulnerabilities/"+encodeURIComponent(e)),[e]),[a,i]=k(0);return s?n`<h1 class="break">${e}</h1>
      ${s.status===404?n`<p class="empty">No scanned image has ${e}.</p>`:n`<${S} error=${s} />`}`:t?n`
    <h1 class="break">${t.id} <span class=${W(t.severity)}>${t.severity}</span><${Ge} kev=${t.kev} /><${Ke} epss=${t.epss} /></h1>
    ${t.title&&n`<p class="vuln-title"><strong>${t.title}</strong></p>`}
    ${t.aliases.length>0&&n`<p>Also known as ${t.aliases.join(", ")}</p>`}
    ${t.description&&n`<p class="description">${t.description}</p>`}
    <dl class="facts vuln-facts">
      <div><dt>Severity</dt><dd>${t.severity}${t.severity_source?" (from "+t.severity_source+")":""}</dd></div>
      ${t.cvss&&t.cvss.length>0&&n`<div class="wide-fact"><dt>CVSS</dt><dd><${ze} cvss=${t.cvss} /></dd></div>`}
      ${t.kev&&n`<div><dt>Known exploited</dt><dd>CISA KEV since ${t.kev.date_added}${t.kev.due_date?", due "+t.kev.due_date:""}</dd></div>`}
      ${t.epss&&n`<div><dt>EPSS</dt><dd>${(t.epss.score*100).toFixed(2)}% (percentile ${Math.round(t.epss.percentile*100)})</dd></div>`}
    </dl>
    ${t.references.length>0&&n`<details open=${t.references.length<=5}><summary>References (${t.references.length})</summary><${Je} refs=${t.references} /></details>`}
    <div class="list-tools">
      <h2>${t.images.length} affected image${t.images.length===1?"":"s"}</h2>
      <${L} name=${t.id+"-images"} columns=${Us} rows=${()=>t.images.flatMap(r=>r.findings.map(o=>({im:r,f:o})))} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Images affected by ${t.id}</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">Package</th><th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
      <tbody>
        ${t.images.slice(a,a+qt).map(r=>r.findings.map((o,l)=>n`<tr key=${r.digest+l}>
              ${l===0&&n`<th scope="row" rowspan=${r.findings.length}>
                <a href=${E(["image",r.digest])}>${r.repository}:${r.tag}</a>
                ${(r.tags||[]).filter(p=>p!==r.tag).length>0&&n`<div class="small">also ${(r.tags||[]).filter(p=>p!==r.tag).map(p=>":"+p).join(", ")}</div>`}
                <div class="small muted mono">${r.registry} · ${O(r.digest)}</div>
              </th>`}
              <td>${o.package}</td>
              <td class="mono small">${o.installed_version} → ${o.fixed_version?n`<strong>${o.fixed_version}</strong>`:n`<span class="nofix">no fix</span>`}</td>
              ${l===0&&n`<td class="hide-sm" rowspan=${r.findings.length}>${T(r.scanned_at)}</td>`}
            </tr>`))}
      </tbody>
    </table></div>
    <${V} offset=${a} size=${qt} total=${t.images.length} onGo=${i} label="Pages of affected images" />`:n`<h1 class="break">${e}</h1><${I} />`}var Us=[["registry",e=>e.im.registry],["repository",e=>e.im.repository],["tags",e=>e.im.tags&&e.im.tags.length?e.im.tags:[e.im.tag]],["digest",e=>e.im.digest],["package",e=>e.f.package],["installed_version",e=>e.f.installed_version],["fixed_version",e=>e.f.fixed_version],["scanned_at",e=>e.im.scanned_at]],Fs=[["id",e=>e.id],["worst_severity",e=>e.severity],["images",e=>e.images]];function Gt({id:e,query:t}){let[s,a]=Q(t.q||e||""),i=t.q||"",{data:r,error:o}=C(()=>e?Promise.resolve(null):w("/api/v1/vulnerabilities"+U({q:i,limit:100})),[i,e]);async function l(p){p.preventDefault();let h=s.trim();if(/^(CVE|GHSA|GO|PYSEC|RUSTSEC|ALSA|DSA|DLA|OSV)-/i.test(h))try{let m=(await w("/api/v1/vulnerabilities"+U({q:h,limit:5}))).find(u=>u.id.toLowerCase()===h.toLowerCase());if(m)return H(["vulnerabilities",m.id])}catch{}H(["vulnerabilities"],{q:h})}return n`
    ${e?n`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/vulnerabilities">Vulnerabilities</a> ›</nav>`:n`<div class="page-head"><h1>Vulnerabilities</h1></div>`}
    <form class="filters" role="search" aria-label="Find a vulnerability" onSubmit=${l}>
      <div class="field grow">
        <label for="cve-q">Vulnerability ID</label>
        <input id="cve-q" type="search" placeholder="CVE-2024-9143, GHSA-…, GO-…" value=${s} onInput=${p=>a(p.currentTarget.value)} />
      </div>
      <button type="submit" class="primary">Find</button>
    </form>
    ${e?n`<${Ms} key=${e} id=${e} />`:n`
        <${S} error=${o} />
        ${!r&&!o&&n`<${I} />`}
        ${r&&r.length===0&&n`<p class="empty">${i?"No scanned image has a vulnerability matching \u201C"+i+"\u201D.":"No findings stored yet."}</p>`}
        ${r&&r.length>0&&n`<div class="list-tools"><h2>${i?"Matching vulnerabilities":"Most widespread vulnerabilities"}</h2>
          <${L} name="vulnerabilities" columns=${Fs} rows=${()=>w("/api/v1/vulnerabilities"+U({q:i,limit:1e3}))} /></div>
        <div class="table-wrap"><table class="data">
          <caption class="sr-only">Vulnerabilities and how many images have them</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Worst severity</th><th scope="col" class="num">Images</th></tr></thead>
          <tbody>${r.map(p=>n`<tr key=${p.id}><th scope="row"><a href=${E(["vulnerabilities",p.id])}>${p.id}</a></th>
              <td><span class=${W(p.severity)}>${p.severity}</span></td><td class="num">${p.images}</td></tr>`)}</tbody>
        </table></div>`}`}`}var Vs=[["id",e=>e.id],["name",e=>e.name],["state",e=>e.state],["version",e=>e.version],["concurrency",e=>e.concurrency],["current_images",e=>e.current_images||[]],["done",e=>e.done],["failed",e=>e.failed],["db_digest",e=>e.db_digest],["last_seen",e=>e.last_seen]];function js(e){let t=(new Date(e.last_seen)-new Date(e.registered_at))/6e4;return!(t>.05)||!e.done?"\u2014":(e.done/t).toFixed(1)+"/min"}function Bs({cfg:e,onSaved:t}){let[s,a]=k({...e}),[i,r]=k(null);async function o(l){l.preventDefault(),r(null);try{await w("/api/v1/autoscaler",{method:"PUT",body:{strategy:s.strategy,minScannerPods:Number(s.minScannerPods),maxScannerPods:Number(s.maxScannerPods)}}),t()}catch(p){r(p)}}return n`<form class="inline-form" onSubmit=${o} aria-label="Auto-scaler settings">
    <div class="field">
      <label for="as-strategy">Strategy</label>
      <select id="as-strategy" value=${s.strategy} onChange=${l=>a({...s,strategy:l.currentTarget.value})}>
        <option value="delayed">Delayed</option><option value="immediate">Immediate</option><option value="disabled">Disabled</option>
      </select>
    </div>
    <div class="field"><label for="as-min">Min scanners</label>
      <input id="as-min" type="number" min="0" value=${s.minScannerPods} onInput=${l=>a({...s,minScannerPods:l.currentTarget.value})} /></div>
    <div class="field"><label for="as-max">Max scanners</label>
      <input id="as-max" type="number" min="0" value=${s.maxScannerPods} onInput=${l=>a({...s,maxScannerPods:l.currentTarget.value})} /></div>
    <button type="submit" class="primary">Apply</button>
    <${S} error=${i} />
  </form>`}function Kt({role:e}){let t=C(()=>w("/api/v1/scanners"),[],3e3),s=C(()=>w("/api/v1/queue/history"),[],5e3),a=C(()=>w("/api/v1/autoscaler"),[],5e3),i=(t.data||[]).slice().sort((l,p)=>(l.state==="active"?0:1)-(p.state==="active"?0:1)),r=s.data?.samples||[],o=r[r.length-1];return n`
    <div class="page-head"><h1>Scanners</h1></div>
    ${o&&n`<ul class="stats" aria-label="Queue now">
      <li><strong>${o.queued}</strong> waiting</li><li><strong>${o.leased}</strong> scanning</li>
      <li><strong>${o.done}</strong> done</li><li><strong>${o.failed}</strong> failed</li>
      <li><strong>${o.scanners}</strong> active scanners</li>
    </ul>`}
    <${S} error=${s.error} />
    <${Ce} samples=${r} title="Queue length"
      series=${[{key:"queued",label:"waiting",color:"#d2461c"},{key:"leased",label:"scanning",color:"#2f6db3"},{key:"scanners",label:"scanners",color:"#2e7d32"}]} />
    <div class="list-tools"><h2>Scanners</h2>${i.length>0&&n`<${L} name="scanners" columns=${Vs} rows=${()=>i} />`}</div>
    <${S} error=${t.error} />
    ${!t.data&&!t.error&&n`<${I} />`}
    ${t.data&&i.length===0&&n`<p class="empty">No scanner has registered. Start one with <code>scanfleet scanner --controller URL --token TOKEN</code>, or let the auto-scaler start them.</p>`}
    ${i.length>0&&n`<div class="table-wrap"><table class="data">
      <caption class="sr-only">Registered scanners</caption>
      <thead><tr><th scope="col">Scanner</th><th scope="col">State</th><th scope="col">Current images</th>
        <th scope="col" class="num">Done / failed</th><th scope="col" class="num">Throughput</th><th scope="col" class="hide-sm">Database</th><th scope="col" class="hide-sm">Last seen</th></tr></thead>
      <tbody>${i.map(l=>n`<tr key=${l.id}>
          <th scope="row">${l.name||l.id}<div class="small muted mono">${l.id} · v${l.version} · ×${l.concurrency}</div></th>
          <td><span class=${"state-badge "+l.state}>${l.state}</span></td>
          <td class="small mono">${(l.current_images||[]).length?l.current_images.map(p=>n`<div class="break">${p}</div>`):n`<span class="muted">idle</span>`}</td>
          <td class="num">${l.done} / ${l.failed}</td>
          <td class="num">${js(l)}</td>
          <td class="hide-sm mono small">${l.db_digest?O(l.db_digest):n`<span class="muted">none</span>`}</td>
          <td class="hide-sm" title=${A(l.last_seen)}>${T(l.last_seen)}</td>
        </tr>`)}</tbody>
    </table></div>`}
    <h2>Auto-scaler</h2>
    <${S} error=${a.error} />
    ${a.data&&(a.data.enabled?n`<p>Strategy <strong>${a.data.config.strategy}</strong>, ${a.data.config.minScannerPods}–${a.data.config.maxScannerPods} scanners${a.data.replicas!==void 0?n`, <strong>${a.data.replicas}</strong> wanted now`:""}.</p>
        ${e==="admin"&&n`<${Bs} key=${JSON.stringify(a.data.config)} cfg=${a.data.config} onSaved=${a.reload} />`}
        <h3>Events</h3>
        ${a.data.events.length===0?n`<p class="empty">No scaling events yet.</p>`:n`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Auto-scaler events, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Scanners</th><th scope="col" class="num">Queued</th><th scope="col" class="hide-sm">Reason</th></tr></thead>
          <tbody>${a.data.events.slice().reverse().map((l,p)=>n`<tr key=${p}><td title=${A(l.time)}>${T(l.time)}</td><td>${l.kind}</td><td>${l.from} → ${l.to}</td>
              <td class="num">${l.taskCount}</td><td class="hide-sm small">${l.reason}</td></tr>`)}</tbody></table></div>`}`:n`<p class="empty">This controller does not start scanners itself (start it with <code>--local-scanners-max N</code> to let it scale them).</p>`)}`}var Hs=[["name",e=>e.name],["action",e=>e.action],["disabled",e=>!!e.disabled],["mode",e=>e.mode],["criteria",e=>zt(e.criteria)],["comment",e=>e.comment]],Ws=[["at",e=>e.d.at],["kind",e=>e.d.kind],["namespace",e=>e.d.namespace],["name",e=>e.d.name],["operation",e=>e.d.operation],["user",e=>e.d.user],["result",e=>e.d.result],["image",e=>e.im?.image],["digest",e=>e.im?.digest],["verdict",e=>e.im?.verdict?.action],["rule",e=>e.im?.verdict?.rule],["reason",e=>e.im?.verdict?.reason]];async function Ze(e){try{return{value:await w(e)}}catch(t){if(t instanceof se&&t.status===404)return{absent:!0};throw t}}function zt(e){return!e||typeof e!="object"?"":Object.entries(e).filter(([,t])=>t!=null&&t!==""&&t!==!1&&!(Array.isArray(t)&&t.length===0)).map(([t,s])=>{let a=t.replace(/_/g," ");return s===!0?a:Array.isArray(s)?a+": "+s.join(", "):typeof s=="object"?a+": "+Object.entries(s).map(([i,r])=>i+"="+r).join(", "):a+": "+s}).join("; ")}function qs(e){return e==="denied"?"result deny":e==="would_deny"?"result warn-result":"result allow"}function Jt(){return n`<div class="page-head"><h1>Admission</h1></div>
    <p class="empty" data-testid="no-admission">This controller does not serve Kubernetes admission reviews: it is the
      <code>scanfleet</code> binary, which answers <code>/admission</code> with 501. Run <code>scanfleet-controller controller</code>
      (the same controller with the Kubernetes integration) to judge workloads with admission rules.</p>`}function Yt(){let e=C(()=>Ze("/api/v1/admission/settings"),[],0),t=C(()=>Ze("/api/v1/admission/rules"),[],0),s=C(()=>Ze("/api/v1/admission/decisions?limit=50"),[],5e3),a=t.data?.absent&&s.data?.absent,i=t.data?.value||[],r=s.data?.value||[],o=e.data?.value;return n`
    <div class="page-head"><h1>Admission</h1></div>
    ${a&&n`<p class="empty">Admission control is not available on this controller. When it is, its rules and the latest
      allow/deny decisions for Kubernetes workloads appear here.</p>`}
    ${!a&&n`
      ${o&&n`<p>Mode <strong>${o.mode}</strong> (${o.mode==="protect"?"deny rules refuse workloads":"deny rules only warn and record"});
        images without a scan result: <strong>${o.no_result}</strong>.</p>`}
      <div class="list-tools"><h2>Rules</h2>${i.length>0&&n`<${L} name="admission-rules" columns=${Hs} rows=${()=>i} />`}</div>
      <${S} error=${t.error} />
      ${!t.data&&!t.error&&n`<${I} />`}
      ${t.data&&(i.length===0?n`<p class="empty">No admission rules: every image is allowed${o&&o.no_result==="deny"?", except those without a scan result":""}.</p>`:n`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Admission rules, in the order they are evaluated</caption>
          <thead><tr><th scope="col">Rule</th><th scope="col">Action</th><th scope="col">Matches</th><th scope="col" class="hide-sm">Mode</th></tr></thead>
          <tbody>${i.map(l=>n`<tr key=${l.name} class=${l.disabled?"disabled":""}>
              <th scope="row">${l.name}${l.disabled&&n` <span class="muted small">(disabled)</span>`}
                ${l.comment&&n`<div class="small muted">${l.comment}</div>`}</th>
              <td><span class=${l.action==="deny"?"result deny":"result allow"}>${l.action}</span></td>
              <td class="small">${zt(l.criteria)}</td>
              <td class="hide-sm">${l.mode||(o?o.mode+" (global)":"global")}</td>
            </tr>`)}</tbody></table></div>`)}
      <div class="list-tools"><h2>Recent decisions</h2>${r.length>0&&n`<${L} name="admission-decisions" columns=${Ws}
          rows=${async()=>(await w("/api/v1/admission/decisions?limit=1000")).flatMap(p=>(p.images||[]).length?p.images.map(h=>({d:p,im:h})):[{d:p}])} />`}</div>
      <${S} error=${s.error} />
      ${!s.data&&!s.error&&n`<${I} />`}
      ${s.data&&(r.length===0?n`<p class="empty">No decisions yet.</p>`:n`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Recent admission decisions, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Workload</th><th scope="col">Result</th><th scope="col">Images</th><th scope="col" class="hide-sm">Message</th></tr></thead>
          <tbody>${r.map(l=>n`<tr key=${l.id}>
              <td title=${A(l.at)}>${T(l.at)}</td>
              <th scope="row">${l.kind} ${l.namespace}/${l.name}<div class="small muted">${l.operation} by ${l.user}${l.dry_run?" (dry run)":""}</div></th>
              <td><span class=${qs(l.result)}>${(l.result||"").replace("_"," ")}</span></td>
              <td class="small">${(l.images||[]).map(p=>n`<div class="break"><span class="mono">${p.image}</span>: ${p.verdict?.action||"?"}${p.verdict?.rule?" by "+p.verdict.rule:""}
                  ${p.verdict?.reason&&n`<span class="muted"> — ${p.verdict.reason}</span>`}</div>`)}</td>
              <td class="hide-sm small">${l.message}</td>
            </tr>`)}</tbody></table></div>`)}`}`}var me=e=>Object.values(e||{}).reduce((t,s)=>t+s,0),Gs=[["registry",e=>e.registry],["repository",e=>e.repository],["tag",e=>e.tag],["digest",e=>e.digest],["not_covered",e=>e.not_covered],["packages",e=>e.packages]],Ks=[["id",e=>e.id],["severity",e=>e.severity],["images",e=>e.images],["packages",e=>e.packages]],zs=[["day",e=>e.day],["images",e=>e.images],["not_covered",e=>e.not_covered],["scans",e=>e.scans],...D.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>me(e.fixable)]];function Xt(){let{data:e,error:t}=C(()=>w("/api/v1/console/overview"),[],15e3);if(t&&!e)return n`<div class="page-head"><h1>Overview</h1></div><${S} error=${t} />`;if(!e)return n`<div class="page-head"><h1>Overview</h1></div><${I} />`;let s=me(e.severities),a=me(e.fixable),i=e.days.map(o=>({time:o.day+"T12:00:00Z",scans:o.scans,not_covered:o.not_covered,...Object.fromEntries(D.map(l=>[l,(o.severities||{})[l]||0]))})),r=o=>new Date(o).toLocaleDateString([],{month:"short",day:"numeric"});return n`
    <div class="page-head"><h1>Overview</h1></div>
    <${S} error=${t} />
    <ul class="tiles" aria-label="Fleet totals">
      <li class="tile"><a href="#/images"><span class="n">${e.images}</span></a><span class="l">images scanned</span></li>
      <li class="tile"><a href="#/hosts"><span class="n">${e.hosts}</span></a><span class="l">hosts scanned</span></li>
      <li class="tile"><span class="n">${s}</span><span class="l">findings, ${a} with a fix</span></li>
      <li class=${"tile"+(e.not_covered?" alert":"")}><a href=${E(["images"],{coverage:"not_covered"})}><span class="n" data-testid="not-covered">${e.not_covered}</span></a>
        <span class="l">images not covered by the database: their counts are incomplete</span></li>
      ${e.coverage_unknown>0&&n`<li class="tile"><a href=${E(["images"],{coverage:"unknown"})}><span class="n">${e.coverage_unknown}</span></a><span class="l">images whose coverage is unknown</span></li>`}
    </ul>
    <div class="two-col">
      <${z} counts=${e.severities} fixable=${e.fixable} title="Findings in all images by severity" />
      <${jt} days=${e.days} valueKey="scans" title="Scans per day" />
    </div>
    <${Ce} samples=${i} title="Findings by severity, per day" timeFmt=${r}
      series=${D.filter(o=>i.some(l=>l[o]>0)).map(o=>({key:o,label:o.toLowerCase(),color:de(o)}))} />
    ${i.length<2&&n`<p class="hint">Trends start with the day this controller first recorded its totals; come back tomorrow.</p>`}

    <div class="list-tools"><h2>Most widespread fixable findings</h2>
      <${L} name="fixable-findings" columns=${Ks} rows=${()=>e.top_fixable} /></div>
    ${e.top_fixable.length===0?n`<p class="empty">No finding with a fixed version.</p>`:n`<div class="table-wrap"><table class="data top-fixable">
      <caption class="sr-only">Vulnerabilities with a fix, by how many images carry them</caption>
      <thead><tr><th scope="col">Vulnerability</th><th scope="col">Severity</th><th scope="col" class="num">Images</th><th scope="col">Packages</th></tr></thead>
      <tbody>${e.top_fixable.map(o=>n`<tr key=${o.id}><th scope="row"><a href=${E(["vulnerabilities",o.id])}>${o.id}</a></th>
          <td><span class=${W(o.severity)}>${o.severity}</span></td><td class="num">${o.images}</td><td>${o.packages.join(", ")}</td></tr>`)}</tbody></table></div>`}

    <div class="list-tools"><h2>Images not covered by the database</h2>
      <${L} name="not-covered-images" columns=${Gs} rows=${()=>e.uncovered} /></div>
    ${e.uncovered.length===0?n`<p class="empty">The database covers every scanned image's OS and ecosystems.</p>`:n`<div class="table-wrap"><table class="data uncovered">
      <caption class="sr-only">Images whose OS release or ecosystems the database has no data for</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">No data for</th><th scope="col" class="num">Packages</th></tr></thead>
      <tbody>${e.uncovered.map(o=>n`<tr key=${o.registry+o.repository+o.digest}><th scope="row"><a href=${E(["image",o.digest])}>${o.repository}:${o.tag}</a>
          <div class="small muted mono">${o.registry} · ${O(o.digest)}</div></th>
          <td><span class="nc-badge">${o.not_covered.join(", ")}</span></td><td class="num">${o.packages}</td></tr>`)}</tbody></table></div>`}
    <div class="list-tools"><h2>Daily totals</h2><${L} name="daily-totals" columns=${zs} rows=${()=>e.days} /></div>
    <div class="table-wrap"><table class="data days">
      <caption class="sr-only">Totals per day, newest first</caption>
      <thead><tr><th scope="col">Day</th><th scope="col" class="num">Scans</th><th scope="col" class="num">Images</th>
        <th scope="col" class="num">Not covered</th><th scope="col" class="num">Findings</th><th scope="col" class="num hide-sm">With a fix</th></tr></thead>
      <tbody>${[...e.days].reverse().map(o=>n`<tr key=${o.day}><th scope="row">${o.day}</th><td class="num">${o.scans}</td><td class="num">${o.images}</td>
          <td class="num">${o.not_covered}</td><td class="num">${me(o.severities)}</td><td class="num hide-sm">${me(o.fixable)}</td></tr>`)}</tbody></table></div>`}var Js=[["name",e=>e.name],["hostname",e=>e.hostname],["os",e=>e.os],["kernel",e=>e.kernel],["root",e=>e.root],["coverage",e=>e.coverage],["not_covered",e=>e.not_covered||[]],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...D.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["scanned_by",e=>e.scanned_by],["scanned_at",e=>e.scanned_at]];function Zt(){let{data:e,error:t}=C(()=>w("/api/v1/console/hosts"),[],15e3);return n`
    <div class="page-head"><h1>Hosts</h1></div>
    <${S} error=${t} />
    ${!e&&!t&&n`<${I} />`}
    ${e&&(e.length===0?n`<p class="empty">No host has sent a scan yet. Run <code>scanfleet host --controller URL</code> on a machine (or in a container with <code>--root /proc/1/root</code>).</p>`:n`
      <div class="list-tools"><p role="status"><strong>${e.length}</strong> host${e.length===1?"":"s"}${e.some(s=>s.coverage==="not_covered")?n`, <strong>${e.filter(s=>s.coverage==="not_covered").length}</strong> not covered`:""}</p><${L} name="hosts" columns=${Js} rows=${()=>e} /></div>
      <div class="table-wrap"><table class="data hosts">
        <caption class="sr-only">Scanned hosts</caption>
        <thead><tr><th scope="col">Host</th><th scope="col" class="hide-sm">OS · kernel</th><th scope="col">Findings by severity</th>
          <th scope="col" class="num hide-sm">Packages</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
        <tbody>${e.map(s=>n`<tr key=${s.name}>
            <th scope="row"><a href=${E(["host",s.name])}>${s.name}</a>
              ${s.hostname!==s.name&&n`<div class="small muted">${s.hostname}</div>`}
              <div class="small muted mono">${s.root}</div></th>
            <td class="hide-sm">${s.os||n`<span class="muted">unknown</span>`}${s.kernel&&n`<div class="small muted">kernel ${s.kernel}</div>`}</td>
            <td><${ue} sev=${s.severities} coverage=${s.coverage} notCovered=${s.not_covered} /></td>
            <td class="num hide-sm">${s.packages}</td>
            <td class="hide-sm" title=${s.scanned_at}>${T(s.scanned_at)}<div class="small muted">${s.scanned_by}</div></td>
          </tr>`)}</tbody>
      </table></div>`)}`}var Ys=[["findings","Findings"],["packages","Packages"]];function Qt({name:e}){let{data:t,error:s}=C(()=>w("/api/v1/hosts/"+encodeURIComponent(e)),[e]),[a,i]=k("findings"),r=n`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/hosts">Hosts</a> ›</nav>`;if(s)return n`${r}<h1 class="break">${e}</h1><${S} error=${s} />`;if(!t)return n`${r}<h1 class="break">${e}</h1><${I} />`;let o=t.host||{},l=t.os?t.os.pretty_name||t.os.id+" "+(t.os.version_id||""):"unknown",p=(t.coverage||[]).filter(u=>!u.covered),h={},c={};for(let u of t.vulnerabilities||[]){let d=(u.severity||"UNKNOWN").toUpperCase();h[d]=(h[d]||0)+1,u.fixed_version&&(c[d]=(c[d]||0)+1)}let m=e.replace(/[^A-Za-z0-9._-]+/g,"_");return n`
    ${r}
    <h1 class="break">${e}</h1>
    <dl class="facts">
      <div><dt>Hostname</dt><dd>${o.hostname||"unknown"}</dd></div>
      <div><dt>OS</dt><dd>${l}</dd></div>
      ${o.kernel&&n`<div><dt>Kernel</dt><dd>${o.kernel}</dd></div>`}
      <div><dt>Root</dt><dd class="mono small">${o.root}</dd></div>
      <div><dt>Scanned</dt><dd>${A(t.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(t.packages||[]).length}</dd></div>
      ${t.db&&n`<div><dt>Database</dt><dd><span class="mono small">${O(t.db.digest)}</span></dd></div>`}
    </dl>
    ${p.length>0&&n`<p class="warn" role="note">Not covered by the database: ${p.map(u=>u.ecosystem+" ("+u.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    ${!t.coverage&&(t.packages||[]).length>0&&n`<p class="note"><${Se} coverage="unknown" /></p>`}
    <div class="downloads"><button type="button" class="small" onClick=${()=>We(m+".json",JSON.stringify(t,null,2),"application/json")}>Download report (JSON)</button></div>
    <${z} counts=${h} fixable=${c} />
    <div class="tabs" role="tablist" aria-label="Report sections">
      ${Ys.map(([u,d])=>n`<button type="button" role="tab" id=${"tab-"+u} aria-controls=${"panel-"+u}
          aria-selected=${a===u?"true":"false"} tabindex=${a===u?0:-1} onClick=${()=>i(u)}>${d}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+a} aria-labelledby=${"tab-"+a} class="panel">
      ${a==="findings"&&n`<${Ye} rep=${t} name=${m} />`}
      ${a==="packages"&&n`<${Xe} rep=${t} name=${m} />`}
    </section>`}var es=50,fe=[["registries","Registries","registry name or host glob, e.g. local or *.example.com"],["repositories","Repositories","repository glob, e.g. team/*"],["images","Images","registry/repository:tag glob"],["tags","Tags","tag glob, e.g. v1.*"],["digests","Digests","exact sha256:\u2026 digests"],["packages","Packages","package or source package glob, e.g. openssl"],["namespaces","Namespaces","Kubernetes namespace glob (admission only)"]];function Qe(e){let t=fe.filter(([s])=>(e[s]||[]).length>0).map(([s,a])=>a.toLowerCase()+" "+e[s].join(", "));return t.length?t.join("; "):"everywhere"}var Xs=[["id",e=>e.id],["vulnerability",e=>e.vulnerability],...fe.map(([e])=>[e,t=>t[e]||[]]),["reason",e=>e.reason],["author",e=>e.author],["created",e=>e.created],["expires",e=>e.expires||""],["state",e=>e.expired?"expired":"active"]];function Zs({onDone:e,onCancel:t}){let[s,a]=k({vulnerability:"",reason:"",days:"30",...Object.fromEntries(fe.map(([c])=>[c,""]))}),[i,r]=k(null),[o,l]=k(!1),p=c=>m=>a({...s,[c]:m.currentTarget.value});async function h(c){c.preventDefault(),l(!0),r(null);let m={vulnerability:s.vulnerability.trim(),reason:s.reason.trim()};for(let[u]of fe){let d=Ot(s[u]);d.length&&(m[u]=d)}s.days.trim()&&(m.days=Number(s.days));try{e(await w("/api/v1/exceptions",{method:"POST",body:m}))}catch(u){r(u),l(!1)}}return n`<form class="card form" onSubmit=${h} aria-labelledby="excform-title" data-testid="exception-form">
    <h2 id="excform-title">Add an exception</h2>
    <div class="grid">
      <div class="field">
        <label for="exc-vuln">Vulnerability (CVE, GHSA, … or an alias)</label>
        <input id="exc-vuln" required placeholder="CVE-2024-9143" value=${s.vulnerability} onInput=${p("vulnerability")} />
      </div>
      <div class="field">
        <label for="exc-days">Expires in (days; empty: never)</label>
        <input id="exc-days" type="number" min="1" max="3650" value=${s.days} onInput=${p("days")} />
      </div>
      ${fe.map(([c,m,u])=>n`<div class="field">
          <label for=${"exc-"+c}>${m}</label>
          <input id=${"exc-"+c} placeholder=${u} value=${s[c]} onInput=${p(c)} aria-describedby="exc-scope-hint" />
        </div>`)}
      <div class="field wide">
        <label for="exc-reason">Reason (required: why this finding may be ignored)</label>
        <textarea id="exc-reason" rows="2" required value=${s.reason} onInput=${p("reason")}></textarea>
      </div>
    </div>
    <p id="exc-scope-hint" class="hint">Several values: separate them with commas. Within a field any value may match, across fields all must;
      <code>*</code> stops at <code>/</code>, <code>**</code> alone matches anything. No scope at all: the exception applies everywhere.
      The author is your token.</p>
    <${S} error=${i} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${o}>${o?"Saving\u2026":"Add exception"}</button>
      <button type="button" onClick=${t}>Cancel</button>
    </div>
  </form>`}function Qs({x:e}){return e.expired?n`<span class="state-badge gone">Expired</span>`:n`<span class="state-badge active">Active</span>`}function ts({role:e,query:t}){let s=e==="admin",a=t.state||"",{data:i,error:r,reload:o}=C(()=>w("/api/v1/exceptions"),[],3e4),[l,p]=k(!1),[h,c]=k(""),[m,u]=k(null),[d,$]=k(0),b=i||[],f=b.filter(g=>a==="active"?!g.expired:a==="expired"?g.expired:!0),_=b.filter(g=>g.expired).length;function y(g,x){c(`Exception ${g.exception.id} ${x}; ${g.reevaluated} stored result${g.reevaluated===1?"":"s"} re-evaluated.`+(g.reevaluate_error?" The rest is left to the lead controller: "+g.reevaluate_error:"")),o()}async function v(g){u(null);try{y(await w("/api/v1/exceptions/"+encodeURIComponent(g.id),{method:"DELETE"}),"deleted")}catch(x){u(x)}}return n`
    <div class="page-head">
      <h1>Exceptions</h1>
      ${s&&!l&&n`<button type="button" class="primary" onClick=${()=>p(!0)}>Add exception</button>`}
    </div>
    <p class="hint">An exception stops a vulnerability from counting in the images it scopes: image counts, CVE search,
      admission, exports. Changes are in the <a href=${E(["audit"])}>audit log</a>.</p>
    ${l&&n`<${Zs} onCancel=${()=>p(!1)} onDone=${g=>{p(!1),y(g,"created")}} />`}
    <p role="status" aria-live="polite" class=${h?"notice":"sr-only"} data-testid="exc-msg">${h}</p>
    <${S} error=${m||r} />
    ${!i&&!r&&n`<${I} />`}
    ${i&&n`<form class="filters" aria-label="Filter exceptions" onSubmit=${g=>g.preventDefault()}>
        <div class="field">
          <label for="exc-state">State</label>
          <select id="exc-state" value=${a} onChange=${g=>{$(0),location.hash=E(["exceptions"],{state:g.currentTarget.value})}}>
            <option value="">All</option><option value="active">Active</option><option value="expired">Expired</option>
          </select>
        </div>
      </form>
      <div class="list-tools">
        <p data-testid="exc-count"><strong>${b.length}</strong> exception${b.length===1?"":"s"}, ${b.length-_} active, ${_} expired${a?n`; <strong>${f.length}</strong> shown`:""}</p>
        ${f.length>0&&n`<${L} name="exceptions" columns=${Xs} rows=${()=>f} />`}
      </div>
      ${f.length===0?n`<p class="empty">No ${a||""} exceptions.${s&&!a?" Add one to stop a finding from counting, with a reason and an expiry.":""}</p>`:n`<div class="table-wrap"><table class="data exceptions">
          <caption class="sr-only">Exceptions</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Scope</th><th scope="col">Reason</th><th scope="col">Author</th>
            <th scope="col" class="hide-sm">Created</th><th scope="col">Expires</th><th scope="col">State</th>
            ${s&&n`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
          <tbody>${f.slice(d,d+es).map(g=>n`<tr key=${g.id} data-exception=${g.id} class=${g.expired?"disabled":""}>
              <th scope="row"><a href=${E(["vulnerabilities",g.vulnerability])}>${g.vulnerability}</a><div class="small muted mono">${g.id}</div></th>
              <td class="small break">${Qe(g)}</td>
              <td class="small">${g.reason}</td>
              <td class="small mono">${g.author}</td>
              <td class="hide-sm small" title=${A(g.created)}>${T(g.created)}</td>
              <td class="small">${g.expires?A(g.expires):n`<span class="muted">never</span>`}</td>
              <td><${Qs} x=${g} /></td>
              ${s&&n`<td class="actions-cell"><button type="button" class="small danger" aria-label=${"Delete exception "+g.id}
                onClick=${()=>confirm(`Delete exception ${g.id} (${g.vulnerability})? Its findings count again.`)&&v(g)}>Delete</button></td>`}
            </tr>`)}</tbody></table></div>
          <${V} offset=${d} size=${es} total=${f.length} onGo=${$} label="Pages of exceptions" />`}`}`}var et=50;function ea(e){let t=e.after||e.before;return!t||typeof t!="object"?"":e.kind==="exception"?`${t.vulnerability} (${Qe(t)})${t.expires?", expires "+A(t.expires):""} \u2014 ${t.reason}`:e.kind==="subscription"?`${t.name||t.id}: ${t.format||"json"} to ${t.url||"?"}${t.min_severity?", "+t.min_severity+" and above":""}${t.events&&t.events.length?", events "+t.events.join(", "):""}`:""}function ss({query:e}){let t=e.kind||"",s=e.actor||"",a=Number(e.before)||0,{data:i,error:r,loading:o}=C(()=>w("/api/v1/audit"+U({kind:t,actor:s,before:a||"",limit:et+1})),[t,s,a],15e3),[l,p]=k(null),h=(i||[]).slice(0,et),c=(i||[]).length>et,m=u=>H(["audit"],{kind:t,actor:s,...u});return n`
    <div class="page-head"><h1>Audit log</h1></div>
    <p class="hint">Every change to exceptions and subscriptions: who made it (the API token), when, and the object before and after.</p>
    <form class="filters" role="search" aria-label="Filter the audit log" onSubmit=${u=>{u.preventDefault(),m({actor:u.currentTarget.elements["audit-actor"].value.trim(),before:""})}}>
      <div class="field">
        <label for="audit-kind">Kind</label>
        <select id="audit-kind" value=${t} onChange=${u=>m({kind:u.currentTarget.value,before:""})}>
          <option value="">All</option><option value="exception">Exceptions</option><option value="subscription">Subscriptions</option>
        </select>
      </div>
      <div class="field">
        <label for="audit-actor">Who</label>
        <input id="audit-actor" name="audit-actor" placeholder="exact author" value=${s} />
      </div>
      <button type="submit">Filter</button>
    </form>
    <${S} error=${r} />
    ${!i&&!r&&n`<${I} />`}
    ${i&&n`<p role="status" data-testid="audit-count">${h.length===0?a?"No older entries.":"No changes recorded yet.":`${a?"Older entries":"The newest entries"}: ${h.length} shown${c?", older ones on the next page":", no older ones"}`}${o?" (refreshing\u2026)":""}</p>
    ${h.length>0&&n`<div class="table-wrap"><table class="data audit">
      <caption class="sr-only">Audit log, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Change</th><th scope="col">What</th>
        <th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>${h.map(u=>n`<tr key=${u.id} data-audit=${u.id}>
            <td title=${A(u.at)}>${T(u.at)}<div class="small muted">${A(u.at)}</div></td>
            <td class="mono small">${u.actor}</td>
            <th scope="row">${u.action} ${u.kind} <span class="mono small">${u.object}</span></th>
            <td class="small break">${ea(u)}</td>
            <td><button type="button" class="small" aria-expanded=${l===u.id?"true":"false"}
              aria-label=${(l===u.id?"Hide":"Show")+" before and after of entry "+u.id}
              onClick=${()=>p(l===u.id?null:u.id)}>${l===u.id?"Hide":"Details"}</button></td>
          </tr>
          ${l===u.id&&n`<tr class="detail"><td colspan="5"><div class="two-col">
            <div><h3>Before</h3><pre class="created-by-full">${u.before?JSON.stringify(u.before,null,2):"(none: created)"}</pre></div>
            <div><h3>After</h3><pre class="created-by-full">${u.after?JSON.stringify(u.after,null,2):"(none: deleted)"}</pre></div>
          </div></td></tr>`}`)}</tbody></table></div>`}
    <nav class="pager" aria-label="Pages of the audit log">
      <button type="button" disabled=${!a} onClick=${()=>m({before:""})}>Newest</button>
      <button type="button" disabled=${!c} onClick=${()=>m({before:h[h.length-1].id})}>Older</button>
    </nav>`}`}var ta=[["image.findings_added","An image gains findings"],["image.findings_removed","An image loses findings"],["image.entered_kev","Findings enter CISA KEV"],["scan.failed","A scan fails for good"],["crawl.failed","A registry crawl fails"],["admission.denied","Admission denies a workload"]],sa=["","CRITICAL","HIGH","MEDIUM","LOW","NEGLIGIBLE"],as=20,ns=1e3;function aa({onDone:e,onCancel:t}){let[s,a]=k({url:"",name:"",format:"json",min_severity:"",events:[],secret:""}),[i,r]=k(null),[o,l]=k(!1),p=m=>u=>a({...s,[m]:u.currentTarget.value}),h=m=>u=>a({...s,events:u.currentTarget.checked?[...s.events,m]:s.events.filter(d=>d!==m)});async function c(m){m.preventDefault(),l(!0),r(null);let u={url:s.url.trim(),name:s.name.trim()||void 0,format:s.format,min_severity:s.min_severity||void 0,events:s.events.length?s.events:void 0,secret:s.secret||void 0};try{e(await w("/api/v1/subscriptions",{method:"POST",body:u}))}catch(d){r(d),l(!1)}}return n`<form class="card form" onSubmit=${c} aria-labelledby="subform-title" data-testid="subscription-form">
    <h2 id="subform-title">Add a subscription</h2>
    <div class="grid">
      <div class="field wide">
        <label for="sub-url">Webhook URL</label>
        <input id="sub-url" type="url" required placeholder="https://hooks.example/scanfleet" value=${s.url} onInput=${p("url")} autocomplete="off" />
      </div>
      <div class="field">
        <label for="sub-name">Name</label>
        <input id="sub-name" placeholder="security team" value=${s.name} onInput=${p("name")} />
      </div>
      <div class="field">
        <label for="sub-format">Format</label>
        <select id="sub-format" value=${s.format} onChange=${p("format")}>
          <option value="json">Signed JSON (HMAC)</option><option value="slack">Slack incoming webhook</option>
        </select>
      </div>
      <div class="field">
        <label for="sub-min">Minimum severity</label>
        <select id="sub-min" value=${s.min_severity} onChange=${p("min_severity")}>
          ${sa.map(m=>n`<option value=${m}>${m?m[0]+m.slice(1).toLowerCase()+" and above":"Any"}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="sub-secret">HMAC secret (empty: generated)</label>
        <input id="sub-secret" type="password" autocomplete="new-password" minlength="16" value=${s.secret} onInput=${p("secret")} />
      </div>
      <fieldset class="field wide events">
        <legend>Events (none ticked: all)</legend>
        ${ta.map(([m,u])=>n`<span class="check">
            <input id=${"sub-ev-"+m.replace(/\./g,"-")} type="checkbox" checked=${s.events.includes(m)} onChange=${h(m)} />
            <label for=${"sub-ev-"+m.replace(/\./g,"-")}>${u} <code>${m}</code></label></span>`)}
      </fieldset>
    </div>
    <p class="hint">The secret signs each post (<code>X-Scanfleet-Signature</code>); it is stored encrypted and never shown again.
      A generated one is shown once, after saving.</p>
    <${S} error=${i} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${o}>${o?"Saving\u2026":"Add subscription"}</button>
      <button type="button" onClick=${t}>Cancel</button>
    </div>
  </form>`}function na(e){return e==="delivered"?"state-badge active":e==="failed"?"state-badge gone":"state-badge"}function oa({sub:e}){let{data:t,error:s,loading:a}=C(()=>w(`/api/v1/subscriptions/${encodeURIComponent(e.id)}/deliveries`),[e.id],3e3),[i,r]=k(0),o=t||[];return n`<div class="deliveries" data-testid=${"deliveries-"+e.id}>
    <h3>Deliveries to ${e.name||e.id}</h3>
    <${S} error=${s} />
    ${!t&&!s&&n`<${I} />`}
    ${t&&n`<p role="status" class="small">${o.length===0?"Nothing sent yet.":`${o.length} deliver${o.length===1?"y":"ies"}, newest first`}${o.length>=ns?` (the newest ${ns}, the API's most: older ones exist)`:""}${a?" (refreshing\u2026)":""}</p>
    ${o.length>0&&n`<div class="table-wrap"><table class="data deliveries-table">
      <caption class="sr-only">Deliveries to ${e.name||e.id}</caption>
      <thead><tr><th scope="col">Created</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col" class="num">Attempts</th>
        <th scope="col">Last status</th><th scope="col">Last error</th><th scope="col" class="hide-sm">Delivered / next try</th></tr></thead>
      <tbody>${o.slice(i,i+as).map(l=>n`<tr key=${l.id} data-delivery=${l.id}>
          <td title=${A(l.created_at)}>${T(l.created_at)}</td>
          <th scope="row">${l.kind}<div class="small muted mono">${l.id}</div></th>
          <td><span class=${na(l.state)}>${l.state}</span></td>
          <td class="num">${l.attempts}</td>
          <td>${l.last_status||n`<span class="muted">—</span>`}</td>
          <td class="small error-text break">${l.last_error||""}</td>
          <td class="hide-sm small">${l.state==="delivered"?A(l.delivered_at):l.state==="pending"?"next "+A(l.next_at):"gave up"}</td>
        </tr>`)}</tbody></table></div>
    <${V} offset=${i} size=${as} total=${o.length} onGo=${r} label=${"Pages of deliveries to "+(e.name||e.id)} />`}`}
  </div>`}function os({role:e}){let t=e==="admin",{data:s,error:a,reload:i}=C(()=>t?w("/api/v1/subscriptions"):Promise.resolve(null),[t],15e3),[r,o]=k(!1),[l,p]=k(""),[h,c]=k(null),[m,u]=k(null),[d,$]=k(null);async function b(f,_){$(null);try{await f(),p(_),i()}catch(y){$(y)}}return t?n`
    <div class="page-head">
      <h1>Subscriptions</h1>
      ${!r&&n`<button type="button" class="primary" onClick=${()=>o(!0)}>Add subscription</button>`}
    </div>
    <p class="hint">Webhooks the controller posts to when images gain or lose findings, findings enter KEV, scans or crawls fail, or admission denies.
      Failed posts are retried with back-off (12 attempts); the delivery log shows each one.</p>
    ${r&&n`<${aa} onCancel=${()=>o(!1)} onDone=${f=>{o(!1),c(f.secret?{id:f.id,secret:f.secret}:null),p("Subscription "+f.id+" added."),i()}} />`}
    ${h&&n`<div class="warn" role="alert" data-testid="sub-secret">
      <p>The HMAC secret of <strong>${h.id}</strong>, shown this once (it is stored encrypted and never returned again); give it to the receiver to check signatures:</p>
      <p><code class="break">${h.secret}</code></p>
      <button type="button" class="small" onClick=${()=>c(null)}>I have copied it</button>
    </div>`}
    <p role="status" aria-live="polite" class=${l?"notice":"sr-only"} data-testid="sub-msg">${l}</p>
    <${S} error=${d||a} />
    ${!s&&!a&&n`<${I} />`}
    ${s&&s.length===0&&n`<p class="empty">No subscriptions yet.</p>`}
    ${s&&s.length>0&&n`<p><strong>${s.length}</strong> subscription${s.length===1?"":"s"}</p>
    <div class="table-wrap"><table class="data subscriptions">
      <caption class="sr-only">Notification subscriptions</caption>
      <thead><tr><th scope="col">Subscription</th><th scope="col">URL</th><th scope="col">Sends</th><th scope="col" class="hide-sm">Secret</th>
        <th scope="col" class="hide-sm">Author</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${s.map(f=>n`<tr key=${f.id} data-subscription=${f.id} class=${f.enabled?"":"disabled"}>
            <th scope="row">${f.name}${!f.enabled&&n` <span class="muted small">(disabled)</span>`}<div class="small muted mono">${f.id}</div></th>
            <td class="mono small break">${f.url}<div class="muted">${f.format==="slack"?"Slack":"signed JSON"}</div></td>
            <td class="small">${f.min_severity?f.min_severity+" and above":"any severity"}; ${f.events&&f.events.length?f.events.join(", "):"all events"}</td>
            <td class="hide-sm small">${f.secret_set?"set (never shown)":"none"}</td>
            <td class="hide-sm small"><span class="mono">${f.author}</span><div class="muted" title=${A(f.created)}>${T(f.created)}</div></td>
            <td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Send a test to "+f.id}
                onClick=${()=>b(async()=>{await w(`/api/v1/subscriptions/${encodeURIComponent(f.id)}/test`,{method:"POST"}),u(f.id)},"Test notification queued for "+f.id+"; its delivery appears in the log.")}>Send test</button>
              <button type="button" class="small" aria-expanded=${m===f.id?"true":"false"} aria-label=${"Delivery log of "+f.id}
                onClick=${()=>u(m===f.id?null:f.id)}>Deliveries</button>
              <button type="button" class="small danger" aria-label=${"Delete subscription "+f.id}
                onClick=${()=>confirm(`Delete subscription ${f.name}? Nothing more is sent to it.`)&&b(()=>w(`/api/v1/subscriptions/${encodeURIComponent(f.id)}`,{method:"DELETE"}),"Subscription "+f.id+" deleted.")}>Delete</button>
            </td>
          </tr>
          ${m===f.id&&n`<tr class="detail"><td colspan="6"><${oa} sub=${f} /></td></tr>`}`)}</tbody></table></div>`}`:n`<div class="page-head"><h1>Subscriptions</h1></div>
      <p class="empty" data-testid="subs-admin-only">Subscriptions are shown to admins only: a webhook URL (a Slack one above all) is itself a credential.</p>`}var rs=50,ra=[["namespace",e=>e.namespace],["workload_kind",e=>e.workload_kind],["workload",e=>e.workload],["pod",e=>e.pod],["container",e=>e.container],["container_kind",e=>e.container_kind],["image",e=>e.image],["digest",e=>e.digest||""],["scanned",e=>e.scanned],["scanned_digest",e=>e.scanned_digest||""],["vulnerabilities",e=>e.vulnerabilities],...D.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0])],ia=[["","All"],["false","Not covered (never scanned)"],["true","Scanned"]];function is({query:e}){let t={namespace:e.namespace||"",cve:(e.cve||"").trim(),scanned:e.scanned||""},s=JSON.stringify(t),{data:a,error:i,loading:r}=C(()=>w("/api/v1/workloads"+U(t)),[s],15e3),[o,l]=Q(t.namespace),[p,h]=Q(t.cve),[c,m]=k(0),u=f=>{m(0),H(["workloads"],{...t,...f})},d=a||[],$=t.namespace||t.cve||t.scanned,b=d.filter(f=>!f.scanned).length;return n`
    <div class="page-head"><h1>Workloads</h1></div>
    <p class="hint">Containers running in the cluster (recorded with <code>--watch-pods</code>), resolved to their stored scans as admission resolves them.
      Exceptions apply to the findings shown.</p>
    <form class="filters" role="search" aria-label="Filter workloads" onSubmit=${f=>{f.preventDefault(),u({namespace:o.trim(),cve:p.trim()})}}>
      <div class="field">
        <label for="wl-ns">Namespace</label>
        <input id="wl-ns" placeholder="all" value=${o} onInput=${f=>l(f.currentTarget.value)} />
      </div>
      <div class="field grow">
        <label for="wl-cve">Carrying vulnerability</label>
        <input id="wl-cve" type="search" placeholder="CVE-2024-9143" value=${p} onInput=${f=>h(f.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="wl-scanned">Coverage</label>
        <select id="wl-scanned" value=${t.scanned} onChange=${f=>u({namespace:o.trim(),cve:p.trim(),scanned:f.currentTarget.value})}>
          ${ia.map(([f,_])=>n`<option value=${f}>${_}</option>`)}
        </select>
      </div>
      <button type="submit">Search</button>
    </form>
    <${S} error=${i} />
    ${!a&&!i&&n`<${I} />`}
    ${a&&n`<div class="list-tools">
        <p role="status" aria-live="polite" data-testid="wl-count"><strong>${d.length}</strong> running container${d.length===1?"":"s"}${t.cve?n` carrying <a href=${E(["vulnerabilities",t.cve])}>${t.cve}</a>`:""}${t.namespace?" in "+t.namespace:""}${!t.scanned&&b>0?n`, <a href=${E(["workloads"],{...t,scanned:"false"})}><strong>${b}</strong> not covered</a> (never scanned)`:""}${r?" (refreshing\u2026)":""}</p>
        ${d.length>0&&n`<${L} name="workloads" columns=${ra} rows=${()=>d} />`}
      </div>
      ${d.length===0?n`<p class="empty">${$?"No running container matches.":"No running containers are recorded. The controller records them only when started as scanfleet-controller with --watch-pods (and RBAC to list and watch Pods)."}</p>`:n`<div class="table-wrap"><table class="data workloads">
          <caption class="sr-only">Running containers</caption>
          <thead><tr><th scope="col">Workload</th><th scope="col">Container</th><th scope="col">Image</th><th scope="col">Scan</th>
            <th scope="col">Findings by severity</th></tr></thead>
          <tbody>${d.slice(c,c+rs).map(f=>n`<tr key=${f.pod_uid+"/"+f.container} data-workload=${f.namespace+"/"+f.workload}>
              <th scope="row">${f.namespace}/${f.workload}<div class="small muted">${f.workload_kind} · pod ${f.pod}</div></th>
              <td>${f.container}${f.container_kind&&f.container_kind!=="container"?n` <span class="small muted">(${f.container_kind})</span>`:""}</td>
              <td class="small break"><span class="mono">${f.image}</span>
                <div class="muted mono" title=${f.digest||""}>${f.digest?O(f.digest):"digest not reported"}</div></td>
              <td>${f.scanned?n`<a href=${E(["image",f.scanned_digest])}>scanned</a><div class="small muted" title=${A(f.scanned_at)}>${T(f.scanned_at)}</div>`:n`<span class="nc-badge" data-testid="not-scanned">Not covered: never scanned</span>`}</td>
              <td>${f.scanned?n`<${ue} sev=${f.severities||{}} /> <span class="small muted">(${f.vulnerabilities})</span>`:n`<span class="muted">unknown</span>`}</td>
            </tr>`)}</tbody></table></div>
          <${V} offset=${c} size=${rs} total=${d.length} onGo=${m} label="Pages of workloads" />`}`}`}var la=[{key:"overview",label:"Overview"},{key:"registries",label:"Registries"},{key:"images",label:"Images"},{key:"hosts",label:"Hosts"},{key:"vulnerabilities",label:"Vulnerabilities"},{key:"workloads",label:"Workloads"},{key:"exceptions",label:"Exceptions"},{key:"audit",label:"Audit log"},{key:"subscriptions",label:"Subscriptions",role:"admin"},{key:"scanners",label:"Scanners"},{key:"admission",label:"Admission",needs:"admission_webhook"}];function ca(){let[e,t]=k(He());return B(()=>{let s=()=>t(He());return addEventListener("hashchange",s),()=>removeEventListener("hashchange",s)},[]),e}function da({onLogin:e}){let[t,s]=k(""),[a,i]=k(""),[r,o]=k(!1);async function l(p){p.preventDefault(),o(!0),i("");let h=t.trim();try{let c=await w("/api/v1/whoami",{token:h});e(c),xe(h)}catch(c){i(c.status===401?"This token is not valid.":c.message),o(!1)}}return n`<main id="main" class="login">
    <form class="card login-card" onSubmit=${l} aria-labelledby="login-title">
      <h1 id="login-title"><img src="/console/favicon.svg" alt="" width="28" height="28" /> Scanfleet</h1>
      <p>Log in with an API token (<code>scanfleet controller token create --role admin|reader</code>).</p>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required
        value=${t} onInput=${p=>s(p.currentTarget.value)} autofocus />
      ${a&&n`<p class="error" role="alert">${a}</p>`}
      <button type="submit" class="primary" disabled=${r}>${r?"Checking\u2026":"Log in"}</button>
    </form>
  </main>`}function pa({role:e,who:t,route:s,onLogout:a}){let i=s.parts[0]||"images",r=te(null),o=te(!0);B(()=>{if(o.current){o.current=!1;return}r.current&&r.current.focus()},[i,s.parts[1]]);let l;switch(i){case"registries":l=n`<${Ut} role=${e} />`;break;case"image":l=n`<${Wt} key=${s.parts[1]} digest=${s.parts[1]} query=${s.query} />`;break;case"vulnerabilities":l=n`<${Gt} id=${s.parts[1]} query=${s.query} />`;break;case"scanners":l=n`<${Kt} role=${e} />`;break;case"admission":l=t&&!t.admission_webhook?n`<${Jt} />`:n`<${Yt} />`;break;case"overview":l=n`<${Xt} />`;break;case"hosts":l=n`<${Zt} />`;break;case"host":l=n`<${Qt} key=${s.parts[1]} name=${s.parts[1]} />`;break;case"images":l=n`<${Bt} query=${s.query} />`;break;case"exceptions":l=n`<${ts} role=${e} query=${s.query} />`;break;case"audit":l=n`<${ss} query=${s.query} />`;break;case"subscriptions":l=n`<${os} role=${e} />`;break;case"workloads":l=n`<${is} query=${s.query} />`;break;default:l=n`<h1>Not found</h1><p>No page “${i}”. <a href="#/images">Go to images</a>.</p>`}let p=i==="image"?"images":i==="host"?"hosts":i,h=la.filter(c=>(!c.needs||t&&t[c.needs])&&(!c.role||e===c.role));return n`
    <a class="skip" href="#main" onClick=${c=>{c.preventDefault(),r.current.focus()}}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/images"><img src="/console/favicon.svg" alt="" width="24" height="24" /> Scanfleet</a>
      <nav aria-label="Main">
        <ul>
          ${h.map(c=>n`<li><a href=${E([c.key])} aria-current=${p===c.key?"page":void 0}>${c.label}</a></li>`)}
        </ul>
      </nav>
      <div class="who">
        ${t&&t.name&&n`<span class="token-name" title=${"The API token you logged in with"+(t.expires_at?", expires "+A(t.expires_at):"")}>${t.name}</span>`}
        <span class="role" title="Role of your token">${e}</span>
        <button type="button" class="link" onClick=${a}>Log out</button>
      </div>
    </header>
    <main id="main" tabindex="-1" ref=${r}>${l}</main>`}function ua(){let e=ca(),[t,s]=k(It()),[a,i]=k(null),r=a?a.role:"";return B(()=>Nt(o=>s(o)),[]),B(()=>{!t||a||w("/api/v1/whoami").then(o=>i(o)).catch(()=>{})},[t]),B(()=>{document.title="Scanfleet \xB7 "+(t?e.parts[0]||"images":"log in")},[t,e.parts[0]]),t?n`<${pa} role=${r} who=${a} route=${e} onLogout=${()=>{i(null),xe("")}} />`:n`<${da} onLogin=${o=>i(o)} />`}ft(n`<${ua} />`,document.getElementById("app"));
